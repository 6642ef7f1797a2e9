/**
 * The result cache (`--cache`): a document whose bytes, rule set, registry, settings and manba version are
 * unchanged since the last run is not checked again. The key of the rule set is a hash of everything that
 * decides results, so editing a rule file invalidates every entry. A corrupt or foreign cache file gives a
 * warning and a full check, never a wrong pass.
 *
 * One SQLite file (better-sqlite3), looked up and written a document at a time: a run keeps none of it in memory,
 * however large the archive. It was one JSON object, read whole at the start and written whole at the end: 100,000
 * documents made a file of 79 MB and a run of 559 MiB, and about a million could not be written at all (longer than
 * a JavaScript string can be).
 */
import type Database from 'better-sqlite3';
import { hash } from 'node:crypto';
import { closeSync, openSync, readSync, rmSync } from 'node:fs';
import { lazyRequire } from '../lazy.js';
import type { DocumentResult } from './finding.js';

// Loaded by a run with --cache only (src/lazy.ts).
const sqlite = lazyRequire<typeof import('better-sqlite3')>('better-sqlite3');

/** PRAGMA user_version of the cache's schema; another version is started afresh. 1 was the JSON file. */
const CACHE_VERSION = 2;
/** "mnbc" in ASCII: PRAGMA application_id of a manba cache (the audit database is "manb"). */
const CACHE_APPLICATION_ID = 0x6d6e6263;
/**
 * Lookups and writes in one transaction. Outside one, each statement locked and unlocked the file and looked for a
 * journal, seven system calls a lookup (12 µs against 3 µs here); each commit lets another run using the same cache
 * have its turn, and a run stopped midway keeps what it committed, each entry whole.
 */
const PER_TRANSACTION = 500;

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS results (path TEXT PRIMARY KEY, sha256 TEXT NOT NULL, result TEXT NOT NULL);
`;

export class ResultCache {
  private db?: Database.Database;
  private lookup?: Database.Statement<[string], { sha256: string; result: string }>;
  private store?: Database.Statement<[string, string, string]>;
  /** Lookups and writes in the open transaction. */
  private done = 0;
  /** Why the cache could not be opened: the run checks everything. */
  warning?: string;
  /** Why the cache stopped being used during the run (another run held it too long, the disk is full). */
  failure?: string;
  hits = 0;

  constructor(
    readonly file: string,
    /** Hash of the manba version, rule files, registry files and settings. */
    readonly key: string,
    /** How long to wait for another run that holds the cache (it commits every PER_TRANSACTION documents). */
    private readonly busyTimeoutMs = 10_000,
  ) {
    try {
      this.open();
    } catch (err) {
      this.drop();
      const code = (err as { code?: string }).code;
      const appId = applicationIdOf(file);
      if ((code !== 'SQLITE_NOTADB' && code !== 'SQLITE_CORRUPT') || (appId !== undefined && appId !== CACHE_APPLICATION_ID)) {
        this.warning = `cache ${file} cannot be used (${(err as Error).message}); checking everything`;
        return;
      }
      // Not SQLite (the JSON cache of an older manba, or garbage) or a damaged cache: replaced, as a cache is only
      // ever a copy. Another program's SQLite file is left as it is.
      this.warning = `cache ${file} is from another version of manba or corrupt; checking everything, and starting it anew`;
      try {
        rmSync(file, { force: true });
        this.open();
      } catch (again) {
        this.drop();
        this.warning = `cache ${file} cannot be used (${(again as Error).message}); checking everything`;
      }
    }
  }

  private open(): void {
    const db = (this.db = new (sqlite())(this.file, { timeout: this.busyTimeoutMs }));
    // A cache is a copy: losing its last writes to a power cut only costs a check (a damaged file is replaced).
    db.pragma('synchronous = OFF');
    const appId = db.pragma('application_id', { simple: true }) as number;
    const tables = (db.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE type = 'table'").get() as { n: number }).n;
    if (appId !== CACHE_APPLICATION_ID && (appId !== 0 || tables > 0)) {
      // Another program's SQLite file (an audit database given as the cache, say): left as it is.
      throw Object.assign(new Error('a SQLite file that is not a manba cache; give another --cache-location'), { code: 'FOREIGN' });
    }
    db.transaction(() => {
      if ((db.pragma('user_version', { simple: true }) as number) !== CACHE_VERSION) {
        db.exec('DROP TABLE IF EXISTS results; DROP TABLE IF EXISTS meta;');
        db.pragma(`user_version = ${CACHE_VERSION}`);
        db.pragma(`application_id = ${CACHE_APPLICATION_ID}`);
      }
      db.exec(SCHEMA);
      const stored = db.prepare("SELECT value FROM meta WHERE name = 'key'").get() as { value: string } | undefined;
      if (stored?.value !== this.key) {
        // Rules, registry, settings or manba changed: every entry is stale.
        db.exec('DELETE FROM results');
        db.prepare("INSERT OR REPLACE INTO meta (name, value) VALUES ('key', ?)").run(this.key);
      }
    }).immediate();
    this.lookup = db.prepare('SELECT sha256, result FROM results WHERE path = ?');
    this.store = db.prepare('INSERT OR REPLACE INTO results (path, sha256, result) VALUES (?, ?, ?)');
  }

  get(path: string, sha256: string): DocumentResult | undefined {
    const row = this.inTransaction(() => this.lookup!.get(path));
    if (row && row.sha256 === sha256) {
      this.hits++;
      return JSON.parse(row.result) as DocumentResult;
    }
    return undefined;
  }

  set(path: string, sha256: string, result: DocumentResult): void {
    const { findings, facts } = result;
    this.inTransaction(() => this.store!.run(path, sha256, JSON.stringify({ path: result.path, findings, ...(facts ? { facts } : {}) })));
  }

  /** One lookup or write, in the open transaction (or a new one); a failure ends the cache's use, not the run. */
  private inTransaction<T>(step: () => T): T | undefined {
    if (!this.db) return undefined;
    try {
      if (this.done === 0) this.db.exec('BEGIN IMMEDIATE');
      const out = step();
      if (++this.done === PER_TRANSACTION) this.commit();
      return out;
    } catch (err) {
      this.failure = `cache ${this.file} stopped being used during the run (${(err as Error).message}); the documents after that were checked, not cached`;
      this.drop();
      return undefined;
    }
  }

  private commit(): void {
    if (this.done === 0) return;
    this.db!.exec('COMMIT');
    this.done = 0;
  }

  /** Write what is left and close the file. */
  async save(): Promise<void> {
    if (!this.db) return;
    try {
      this.commit();
    } catch (err) {
      this.failure = `cache ${this.file}: the last results could not be written (${(err as Error).message})`;
    }
    this.drop();
  }

  private drop(): void {
    this.db?.close(); // what was not committed is rolled back
    this.db = this.lookup = this.store = undefined;
    this.done = 0;
  }
}

/** The application id in a SQLite file's header (at byte 68), or undefined when the file is not SQLite. */
function applicationIdOf(file: string): number | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const head = Buffer.alloc(72);
    if (readSync(fd, head, 0, 72, 0) !== 72 || head.toString('latin1', 0, 16) !== 'SQLite format 3\0') return undefined;
    return head.readUInt32BE(68);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

export function sha256(data: Uint8Array | string): string {
  // One call into OpenSSL per document: a Hash object per document cost more than the hashing itself.
  return hash('sha256', data, 'hex');
}
