/**
 * Reading the audit database: the runs, what changed between two runs, and the trend over all of them. Only
 * complete runs are compared. A finding is the same finding in two runs when its fingerprint is the same (the
 * baseline fingerprint: document path, rule, the text it is about, its occurrence; not its line).
 *
 * What counts: findings that are not suppressed in the document nor waived. Baselined findings count: a baseline
 * keeps old findings out of CI reports, it does not make the documents compliant.
 */
import type { Db } from './database.js';
import { EXEMPTION } from './database.js';

export interface RunInfo {
  id: number;
  command: string;
  manbaVersion: string;
  startedAt: string;
  finishedAt?: string;
  status: 'recording' | 'complete' | 'interrupted';
  site?: string;
  ruleSetSha256: string;
  registrySha256: string;
  settings: Record<string, unknown>;
  documents: number;
  errors: number;
  warnings: number;
}

interface RunRow {
  id: number;
  command: string;
  manba_version: string;
  started_at: string;
  finished_at: string | null;
  status: RunInfo['status'];
  site: string | null;
  rule_set_sha256: string;
  registry_sha256: string;
  settings: string;
  documents: number;
  errors: number;
  warnings: number;
}

const toInfo = (r: RunRow): RunInfo => ({
  id: r.id,
  command: r.command,
  manbaVersion: r.manba_version,
  startedAt: r.started_at,
  ...(r.finished_at ? { finishedAt: r.finished_at } : {}),
  status: r.status,
  ...(r.site ? { site: r.site } : {}),
  ruleSetSha256: r.rule_set_sha256,
  registrySha256: r.registry_sha256,
  settings: JSON.parse(r.settings) as Record<string, unknown>,
  documents: r.documents,
  errors: r.errors,
  warnings: r.warnings,
});

/** Every run, oldest first, whatever its status. */
export function listRuns(db: Db): RunInfo[] {
  return (db.prepare('SELECT * FROM runs ORDER BY id').all() as RunRow[]).map(toInfo);
}

export class HistoryError extends Error {}

function runById(db: Db, id: number): RunInfo {
  const row = db.prepare('SELECT * FROM runs WHERE id = ?').get(id) as RunRow | undefined;
  if (!row) throw new HistoryError(`no run ${id} in the database (manba history runs lists them)`);
  if (row.status !== 'complete') throw new HistoryError(`run ${id} is ${row.status === 'recording' ? 'still recording, or was cut off' : 'interrupted'}; only complete runs are compared`);
  return toInfo(row);
}

/**
 * The runs to compare: `to` defaults to the last complete run, `from` to the complete run before `to` made for
 * the same site (audits of different sites can share a database without being compared with each other).
 */
export function runsToCompare(db: Db, from?: number, to?: number): { from: RunInfo; to: RunInfo } {
  const complete = (db.prepare("SELECT * FROM runs WHERE status = 'complete' ORDER BY id").all() as RunRow[]).map(toInfo);
  const toRun = to !== undefined ? runById(db, to) : complete.at(-1);
  if (!toRun) throw new HistoryError('the database holds no complete run yet');
  const fromRun = from !== undefined ? runById(db, from) : previousRun(db, toRun);
  if (!fromRun) throw new HistoryError(`run ${toRun.id} is the first complete run${toRun.site ? ` for ${toRun.site}` : ''}; there is nothing to compare it with`);
  return { from: fromRun, to: toRun };
}

/** The complete run before `run` made for the same site, if any. */
export function previousRun(db: Db, run: RunInfo): RunInfo | undefined {
  const row = db.prepare("SELECT * FROM runs WHERE status = 'complete' AND id < ? AND site IS ? ORDER BY id DESC LIMIT 1").get(run.id, run.site ?? null) as RunRow | undefined;
  return row ? toInfo(row) : undefined;
}

export interface ChangedFinding {
  ruleId: string;
  severity: 'error' | 'warning';
  line: number;
  column: number;
  message: { en: string; fa: string };
}

export interface DocumentChanges {
  path: string;
  url?: string;
  outlet?: string;
  site?: string;
  /** Counts in `to` and not in `from`. */
  new: ChangedFinding[];
  /** Counted in `from`; gone from the document in `to`. */
  resolved: ChangedFinding[];
  /** Counts in both. */
  persisting: ChangedFinding[];
  /** Counted in `from`; still there in `to` but waived or suppressed. */
  exempted: ChangedFinding[];
}

export interface ChangeTotals {
  new: number;
  resolved: number;
  persisting: number;
  exempted: number;
}

export interface RunDiff {
  from: RunInfo;
  to: RunInfo;
  totals: ChangeTotals;
  /** Documents of `from` that `to` did not check: their findings are neither resolved nor persisting. */
  notChecked: number;
  /**
   * Documents with any change or any persisting finding, by path; findings by rule, then position. Read from the
   * database as it is iterated (again at each iteration), while the database is open.
   */
  documents: Iterable<DocumentChanges>;
  bySite: ({ site: string } & ChangeTotals)[];
  byOutlet: ({ outlet: string } & ChangeTotals)[];
  /**
   * Drop the diff's temporary tables (two copies of the runs' fingerprints), after which `documents` cannot be read:
   * a program that diffs many runs on one connection calls it when done with each, as closing the connection does.
   */
  release: () => void;
}

/** A finding in the diff's one pass, in path order: its document, which run it is from, and its change. */
type ChangeRow = [path: string, url: string | null, outlet: string | null, site: string | null, fromRun: number, kind: Change, rule: string, severity: number, line: number, col: number, en: string, fa: string, order: number];
type Change = 'new' | 'resolved' | 'persisting' | 'exempted';

/** Temporary tables of one diff: names of their own, so that two diffs on one connection do not meet. */
let diffs = 0;

/**
 * What changed from one complete run to another. The totals are counted in a first pass; `documents` reads the
 * changes again each time it is iterated, a document at a time, in path order, so that neither the diff nor its
 * output is ever held whole (a national archive's two runs hold millions of findings). The database must stay open
 * while `documents` is read.
 */
export function diffRuns(db: Db, from: RunInfo, to: RunInfo): RunDiff {
  const counting = `f.exemption IN (${EXEMPTION.none}, ${EXEMPTION.baselined})`;
  const n = ++diffs;
  const before = `temp.diff_before_${n}`;
  const after = `temp.diff_after_${n}`;
  // The earlier run's findings that count, one row for each fingerprint; every fingerprint of the later run.
  db.exec(`CREATE TABLE ${before} (fp BLOB PRIMARY KEY, finding INTEGER NOT NULL); CREATE TABLE ${after} (fp BLOB PRIMARY KEY)`);
  db.prepare(`INSERT OR REPLACE INTO ${before} SELECT f.fingerprint, f.rowid FROM findings f JOIN documents d ON d.id = f.document_id WHERE d.run_id = ? AND ${counting} ORDER BY f.rowid`).run(from.id);
  db.prepare(`INSERT OR IGNORE INTO ${after} SELECT f.fingerprint FROM findings f JOIN documents d ON d.id = f.document_id WHERE d.run_id = ?`).run(to.id);
  // The later run's findings that count (new or persisting) or that counted before (now exempted); then the earlier
  // run's that are gone from a document the later run checked (resolved). A document is described by its first row:
  // the later run's when it has one.
  const changes = db
    .prepare(
      `SELECT d.path, d.url, d.outlet, d.site, 0 AS from_run, CASE WHEN NOT ${counting} THEN 'exempted' WHEN b.fp IS NULL THEN 'new' ELSE 'persisting' END,
              r.text, f.severity, f.line, f.col, en.text, fa.text, f.rowid AS k
       FROM findings f JOIN documents d ON d.id = f.document_id LEFT JOIN ${before} b ON b.fp = f.fingerprint
         JOIN texts r ON r.id = f.rule JOIN texts en ON en.id = f.message_en JOIN texts fa ON fa.id = f.message_fa
       WHERE d.run_id = @to AND (${counting} OR b.fp IS NOT NULL)
       UNION ALL
       SELECT d.path, d.url, d.outlet, d.site, 1, 'resolved', r.text, f.severity, f.line, f.col, en.text, fa.text, f.rowid
       FROM ${before} b JOIN findings f ON f.rowid = b.finding JOIN documents d ON d.id = f.document_id
         JOIN texts r ON r.id = f.rule JOIN texts en ON en.id = f.message_en JOIN texts fa ON fa.id = f.message_fa
       WHERE NOT EXISTS (SELECT 1 FROM ${after} a WHERE a.fp = b.fp) AND EXISTS (SELECT 1 FROM documents t WHERE t.run_id = @to AND t.path = d.path)
       ORDER BY 1, 5, 7, 9, 10, 13`,
    )
    .raw();
  function* documents(): Generator<DocumentChanges> {
    let doc: DocumentChanges | undefined;
    for (const row of changes.iterate({ to: to.id }) as IterableIterator<ChangeRow>) {
      const [path, url, outlet, site, fromRun, kind, ruleId, severity, line, column, en, fa] = row;
      if (doc?.path !== path) {
        if (doc) yield doc;
        const where = site ?? (fromRun ? from : to).site;
        doc = { path, ...(url ? { url } : {}), ...(outlet ? { outlet } : {}), ...(where ? { site: where } : {}), new: [], resolved: [], persisting: [], exempted: [] };
      }
      doc[kind].push({ ruleId, severity: severity === 2 ? 'error' : 'warning', line, column, message: { en, fa } });
    }
    if (doc) yield doc;
  }
  const notChecked = (
    db.prepare('SELECT count(*) AS n FROM documents a WHERE a.run_id = ? AND NOT EXISTS (SELECT 1 FROM documents b WHERE b.run_id = ? AND b.path = a.path)').get(from.id, to.id) as { n: number }
  ).n;

  const totals: ChangeTotals = { new: 0, resolved: 0, persisting: 0, exempted: 0 };
  const sites = new Map<string, ChangeTotals>();
  const outlets = new Map<string, ChangeTotals>();
  const add = (t: ChangeTotals, d: DocumentChanges) => {
    t.new += d.new.length;
    t.resolved += d.resolved.length;
    t.persisting += d.persisting.length;
    t.exempted += d.exempted.length;
  };
  const totalsOf = (m: Map<string, ChangeTotals>, k: string) => {
    let t = m.get(k);
    if (!t) m.set(k, (t = { new: 0, resolved: 0, persisting: 0, exempted: 0 }));
    return t;
  };
  for (const d of documents()) {
    add(totals, d);
    add(totalsOf(sites, d.site ?? ''), d);
    add(totalsOf(outlets, d.outlet ?? ''), d);
  }
  const ordered = <K extends string>(m: Map<string, ChangeTotals>, name: K) =>
    [...m.entries()].sort((a, b) => b[1].new - a[1].new || b[1].resolved - a[1].resolved || (a[0] < b[0] ? -1 : 1)).map(([k, t]) => ({ [name]: k, ...t }) as { [P in K]: string } & ChangeTotals);
  const release = () => db.exec(`DROP TABLE IF EXISTS ${before}; DROP TABLE IF EXISTS ${after}`);
  return { from, to, totals, notChecked, documents: { [Symbol.iterator]: documents }, bySite: ordered(sites, 'site'), byOutlet: ordered(outlets, 'outlet'), release };
}

export interface TrendPoint {
  run: RunInfo;
  documents: number;
  /** Documents without a finding that counts. */
  compliant: number;
  /** compliant / documents (1 for an empty run). */
  compliantShare: number;
  /** Findings that count, by rule family (notice, attribution, byline, input…). */
  byFamily: Record<string, number>;
  /** By source outlet id ('' for documents whose outlet is not known): documents, non-compliant ones, findings. */
  byOutlet: Record<string, { documents: number; failing: number; findings: number }>;
}

/** Per complete run, oldest first. */
export function trend(db: Db): TrendPoint[] {
  const runs = (db.prepare("SELECT * FROM runs WHERE status = 'complete' ORDER BY id").all() as RunRow[]).map(toInfo);
  const docs = db.prepare('SELECT coalesce(outlet, \'\'), count(*), sum(errors + warnings > 0), sum(errors + warnings) FROM documents WHERE run_id = ? GROUP BY 1').raw();
  const families = db
    .prepare(
      `SELECT CASE WHEN instr(r.text, '/') > 0 THEN substr(r.text, 1, instr(r.text, '/') - 1) ELSE r.text END, count(*)
       FROM findings f JOIN documents d ON d.id = f.document_id JOIN texts r ON r.id = f.rule
       WHERE d.run_id = ? AND f.exemption IN (${EXEMPTION.none}, ${EXEMPTION.baselined}) GROUP BY 1 ORDER BY 1`,
    )
    .raw();
  return runs.map((run) => {
    let documents = 0;
    let failing = 0;
    const byOutlet: TrendPoint['byOutlet'] = {};
    for (const [outlet, n, bad, findings] of docs.all(run.id) as [string, number, number, number][]) {
      documents += n;
      failing += bad;
      byOutlet[outlet] = { documents: n, failing: bad, findings };
    }
    const byFamily: Record<string, number> = {};
    for (const [family, n] of families.all(run.id) as [string, number][]) byFamily[family] = n;
    return { run, documents, compliant: documents - failing, compliantShare: documents ? (documents - failing) / documents : 1, byFamily, byOutlet };
  });
}
