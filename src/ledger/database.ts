/**
 * The audit database: one SQLite file (better-sqlite3) holding every recorded run, so later audits can say what
 * changed. Never the article texts: per document its path or URL, digest and format, per finding its rule,
 * severity, position, messages and fingerprint.
 *
 * The schema is versioned with `PRAGMA user_version`; opening a file migrates it forward, one step per version,
 * each step in its own transaction. `application_id` marks the file as manba's, so a foreign SQLite file is told
 * apart from an empty one. WAL mode lets one run record while another reads or records (writers take turns per
 * batch; busy_timeout makes them wait for each other instead of failing).
 */
import type Database from 'better-sqlite3';
import { existsSync, statSync } from 'node:fs';
import { lazyRequire } from '../lazy.js';

// Loaded when a run records or reads history: a plain check never opens a database (src/lazy.ts).
const sqlite = lazyRequire<typeof import('better-sqlite3')>('better-sqlite3');

export type Db = Database.Database;

/** "manb" in ASCII: PRAGMA application_id of every manba audit database. */
export const APPLICATION_ID = 0x6d616e62;

/** Each step takes the database from version k to k+1. Never edit a released step: add one. */
export const MIGRATIONS: readonly string[] = [
  // v1: runs, their documents, and findings; repeated texts (messages, rule ids) stored once.
  `
  CREATE TABLE runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    command TEXT NOT NULL,
    manba_version TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL CHECK (status IN ('recording', 'complete', 'interrupted')),
    rule_set_sha256 TEXT NOT NULL,
    registry_sha256 TEXT NOT NULL,
    site TEXT,
    settings TEXT NOT NULL,
    evidence TEXT NOT NULL,
    documents INTEGER NOT NULL DEFAULT 0,
    errors INTEGER NOT NULL DEFAULT 0,
    warnings INTEGER NOT NULL DEFAULT 0
  );
  CREATE TABLE texts (id INTEGER PRIMARY KEY, text TEXT NOT NULL UNIQUE);
  CREATE TABLE documents (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    path TEXT NOT NULL,
    url TEXT,
    sha256 BLOB,
    format TEXT,
    outlet TEXT,
    site TEXT,
    errors INTEGER NOT NULL,
    warnings INTEGER NOT NULL
  );
  CREATE INDEX documents_by_run ON documents(run_id);
  CREATE TABLE findings (
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    rule INTEGER NOT NULL REFERENCES texts(id),
    severity INTEGER NOT NULL,
    line INTEGER NOT NULL,
    col INTEGER NOT NULL,
    end_line INTEGER NOT NULL,
    end_col INTEGER NOT NULL,
    message_en INTEGER NOT NULL REFERENCES texts(id),
    message_fa INTEGER NOT NULL REFERENCES texts(id),
    fingerprint BLOB NOT NULL,
    exemption INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX findings_by_document ON findings(document_id);
  `,
  // v2: the waiver that exempted a finding (who approved it, until when), kept once per run; documents by run and path.
  `
  CREATE TABLE waivers (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    file TEXT NOT NULL,
    line INTEGER NOT NULL,
    rule TEXT NOT NULL,
    reason TEXT NOT NULL,
    approved_by TEXT NOT NULL,
    approved TEXT NOT NULL,
    expires TEXT NOT NULL
  );
  ALTER TABLE findings ADD COLUMN waiver_id INTEGER REFERENCES waivers(id);
  -- A document of one run is found by its path (the diff asks whether a later run checked it).
  CREATE INDEX documents_by_run_path ON documents(run_id, path);
  DROP INDEX documents_by_run;
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** How a finding was exempted, as stored. 0: it counts. */
export const EXEMPTION = { none: 0, suppressed: 1, waived: 2, baselined: 3 } as const;
export const EXEMPTION_NAMES = ['', 'suppressed', 'waived', 'baselined'] as const;

/** A database that cannot be used: corrupt, foreign, or from a newer manba. The message names the file. */
export class LedgerError extends Error {}

/**
 * Open (or create) an audit database and bring it to the current schema. `readonly` opens an existing file
 * only, and never migrates (history commands on a file of an older manba migrate it first, like recording).
 */
export function openLedger(file: string, options: { create?: boolean; upTo?: number } = {}): Db {
  const create = options.create ?? true;
  if (!create && !existsSync(file)) throw new LedgerError(`${file}: no such audit database (record one with manba check … --record ${file})`);
  if (existsSync(file) && statSync(file).isDirectory()) throw new LedgerError(`${file}: is a folder, not an audit database`);
  let db: Db;
  try {
    db = new (sqlite())(file, { timeout: 60_000 });
  } catch (err) {
    throw new LedgerError(`${file}: cannot open the audit database: ${(err as Error).message}`);
  }
  try {
    // Any read of a file that is not SQLite fails here ("file is not a database").
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('synchronous = NORMAL');
    migrate(db, file, options.upTo ?? SCHEMA_VERSION);
    return db;
  } catch (err) {
    db.close();
    if (err instanceof LedgerError) throw err;
    const code = (err as { code?: string }).code;
    if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') throw new LedgerError(`${file}: not an audit database (the file is not SQLite, or it is damaged): ${(err as Error).message}`);
    throw new LedgerError(`${file}: cannot use the audit database: ${(err as Error).message}`);
  }
}

function migrate(db: Db, file: string, target: number): void {
  const version = () => db.pragma('user_version', { simple: true }) as number;
  // One snapshot for the three: read one by one, a run opening the file while another created its tables could see
  // no application id yet and the tables already there, and take manba's own new file for another program's.
  const { appId, tables, first } = db.transaction(() => ({
    appId: db.pragma('application_id', { simple: true }) as number,
    tables: (db.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE type = 'table'").get() as { n: number }).n,
    first: version(),
  }))();
  if (appId !== APPLICATION_ID && (appId !== 0 || tables > 0 || first !== 0)) {
    throw new LedgerError(`${file}: not a manba audit database (a SQLite file of another program); give a new file or one made by manba check --record`);
  }
  if (version() > SCHEMA_VERSION) {
    throw new LedgerError(`${file}: made by a newer manba (database schema version ${version()}; this manba reads up to version ${SCHEMA_VERSION}); upgrade manba to use it`);
  }
  while (version() < target) {
    const from = version();
    // IMMEDIATE: two runs opening a new file at once do not both try to create the tables.
    db.transaction(() => {
      if (version() !== from) return; // another process migrated meanwhile
      db.exec(MIGRATIONS[from]!);
      db.pragma(`application_id = ${APPLICATION_ID}`);
      db.pragma(`user_version = ${from + 1}`);
    }).immediate();
  }
}
