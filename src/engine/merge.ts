/**
 * JSON reports (the shards of one audit) joined into one, in flat memory whatever their size: the reports are read
 * piece by piece (read-json-report.ts) and merged as sorted streams, so the shards of an archive of millions of
 * documents are never all in memory, nor any one of them.
 *
 * The merged documents are in path order, each file's documents in the file's order, as `manba check` lists a
 * folder: a stable sort by file of all the reports' documents, in the order the reports are given. A file in more
 * than one report (a report given twice, shards that overlap) is taken from the first report that has it, all its
 * documents, those with the same path too: a JSON export may hold two articles with one id, which `manba check`
 * reports both. A shard is already in that order (one folder, listed in path order), so it is merged as it stands;
 * a report that is not (several folders named out of order) is sorted first, a chunk at a time, into temporary
 * reports. Many sources are merged in rounds, so that only so many files are open.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readJsonReport } from '../report/read-json-report.js';
import { openReportStream } from '../report/report-file.js';
import { filePart } from '../report/text.js';
import type { Report } from '../report/types.js';
import type { RunEvidence } from './evidence.js';
import type { DocumentResult, Finding, Suppression, WaiverRef } from './finding.js';

/** A document as a JSON report writes it: one message, in the run's language; suppressions as marks. */
export type ReportDocument = Omit<DocumentResult, 'findings'> & { findings: (Omit<Finding, 'messages' | 'suppressions'> & { suppressed?: { reason: string }; waived?: WaiverRef })[] };

/** A report that cannot be merged: which, and why (the CLI exits 2). */
export class MergeInputError extends Error {}

export interface MergeOptions {
  /** Documents sorted in memory at a time, for a report not in path order (default 20,000). */
  chunkSize?: number;
  /** Most reports read at once; more are merged in rounds through temporary reports (default 64). */
  maxOpen?: number;
  /** Told of what the merge goes on past: reports of different rule sets, a file in two reports. */
  onWarning?: (message: string) => void;
}

export interface MergedReports {
  tool: Report['tool'];
  run?: RunEvidence;
  /** The documents in all the reports, before a file's second copy is dropped (for a progress line). */
  total: number;
  /** The merged documents, read once from the reports as they are asked for. */
  documents(): Generator<DocumentResult>;
  /** Remove the temporary reports. */
  close(): void;
}

/** What the first pass over a report found. */
interface Scanned {
  tool?: Report['tool'];
  run?: RunEvidence;
  /** How many documents, once its `documents` array is read. */
  documents?: number;
  inOrder: boolean;
}


/**
 * Merge `reports` (paths to read, with the names to show in messages). Every report is read once here, to check it
 * and learn its order; nothing is written until `documents()` is read. Throws MergeInputError for a report that
 * cannot be read or is not a manba JSON report.
 */
export function mergeReports(given: readonly { file: string; name: string }[], options: MergeOptions = {}): MergedReports {
  const chunkSize = Math.max(1, options.chunkSize ?? 20_000);
  const maxOpen = Math.max(2, options.maxOpen ?? 64);
  // A report named twice is read once: its second copy would only repeat every one of its files.
  const named = new Map<string, string>();
  const reports = given.filter((r) => {
    const before = named.get(resolve(r.file));
    if (before !== undefined) options.onWarning?.(`${r.name} is named twice (as ${before} before); it is read once`);
    else named.set(resolve(r.file), r.name);
    return before === undefined;
  });
  const scanned = reports.map((r) => scan(r.file, r.name));
  const ruleSets = new Set(scanned.map((s) => s.run?.ruleSetSha256).filter(Boolean));
  if (ruleSets.size > 1) options.onWarning?.(`the reports were made with ${ruleSets.size} different rule sets; the merged report mixes them`);
  // An audit merged from a shard stopped short, or without one of its shards, is incomplete: said, not left to the
  // merged run's settings (which drop each shard's own position).
  scanned.forEach((s, k) => {
    if (s.run?.settings.interrupted === true) options.onWarning?.(`${reports[k]!.name}: its run was interrupted; the documents it did not reach are not in the merged report`);
  });
  const missing = missingShards(scanned.map((s) => s.run?.settings.shard));
  if (missing) options.onWarning?.(missing);
  const runs = scanned.map((s) => s.run).filter((r): r is RunEvidence => !!r);
  const run: RunEvidence | undefined = runs.length
    ? {
        ...runs[0]!,
        startedAt: runs.map((r) => r.startedAt).sort()[0]!,
        finishedAt: runs.map((r) => r.finishedAt).sort().at(-1)!,
        // A shard's own position and interruption do not describe the merge.
        settings: { ...Object.fromEntries(Object.entries(runs[0]!.settings).filter(([k]) => k !== 'shard' && k !== 'interrupted')), merged: reports.length, interrupted: runs.some((r) => r.settings.interrupted === true) },
      }
    : undefined;

  let temporary: string | undefined;
  let made = 0;
  const removeTemporaries = () => {
    if (temporary) rmSync(temporary, { recursive: true, force: true });
    temporary = undefined;
  };
  /** A new temporary report's path; the folder is made at the first and removed by close() or at exit. */
  const newTemporary = () => {
    if (!temporary) {
      temporary = mkdtempSync(join(tmpdir(), 'manba-merge-'));
      process.on('exit', removeTemporaries);
    }
    return join(temporary, `run-${++made}.json`);
  };
  /** Write documents as a temporary report (one that read-json-report reads back), each with its report's index. */
  const writeTemporary = (documents: Iterable<FromReport>): Source => {
    const file = newTemporary();
    const out = openReportStream(file);
    out.write('{"documents":[');
    let first = true;
    for (const d of documents) {
      out.write(`${first ? '' : ','}\n[${d.report},${JSON.stringify(d.document)}]`);
      first = false;
    }
    out.write('\n]}\n');
    out.commit();
    return { file };
  };

  return {
    tool: scanned[0]!.tool!,
    ...(run ? { run } : {}),
    total: scanned.reduce((n, s) => n + s.documents!, 0),
    documents: function* () {
      // Every source is in path order: the reports that are, and the sorted chunks of those that are not.
      let sources: Source[] = [];
      reports.forEach((r, k) => {
        if (scanned[k]!.inOrder) sources.push({ file: r.file, report: k });
        else for (const chunk of chunksOf(fromReport(r.file, k), chunkSize)) sources.push(writeTemporary(chunk.sort(byFile)));
      });
      while (sources.length > maxOpen) {
        const rounds: Source[] = [];
        for (let k = 0; k < sources.length; k += maxOpen) {
          const group = sources.slice(k, k + maxOpen);
          rounds.push(group.length === 1 ? group[0]! : writeTemporary(mergeSorted(group.map((s) => opened(s, group.length)))));
        }
        sources = rounds;
      }
      // A file's documents come together, the first report's first: those of any other report are dropped. Only
      // the file and its report are remembered, whatever the number of its documents; what was dropped is said
      // once for each two reports that overlap, at the end.
      let file: string | undefined;
      let owner = -1;
      let dropped = -1;
      const overlaps = new Map<string, { owner: number; dropped: number; files: number; named: string[] }>();
      for (const { report, document } of mergeSorted(sources.map((s) => opened(s, sources.length)))) {
        const f = filePart(document.path);
        if (f !== file) {
          file = f;
          owner = report;
          dropped = -1;
        } else if (report !== owner) {
          if (report !== dropped) {
            const key = `${owner} ${report}`;
            const overlap = overlaps.get(key) ?? overlaps.set(key, { owner, dropped: report, files: 0, named: [] }).get(key)!;
            if (overlap.files++ < 3) overlap.named.push(f);
          }
          dropped = report;
          continue;
        }
        yield resultOf(document);
      }
      for (const o of overlaps.values()) {
        const files = o.files === 1 ? '1 file' : `${o.files} files`;
        options.onWarning?.(`${reports[o.dropped]!.name}: ${files} also in ${reports[o.owner]!.name}, named before it, taken from there (${o.named.join(', ')}${o.files > 3 ? ', …' : ''})`);
      }
    },
    close: () => {
      process.off('exit', removeTemporaries);
      removeTemporaries();
    },
  };
}

/** First pass over a report: is it a manba JSON report, its tool and run, and are its documents in path order. */
function scan(file: string, name: string): Scanned {
  const out: Scanned = { inOrder: true };
  let last: string | undefined;
  try {
    for (const piece of readJsonReport(file)) {
      if ('document' in piece) {
        const path = (piece.document as Partial<ReportDocument> | null)?.path;
        if (typeof path !== 'string') throw new MergeInputError(`${name}:${piece.line}: a document without a path; not a manba JSON report (manba check --format json)`);
        const f = filePart(path);
        if (last !== undefined && f < last) out.inOrder = false;
        last = f;
      } else if (piece.key === 'documents') {
        out.documents = piece.value as number;
      } else if (piece.key === 'tool') {
        out.tool = piece.value as Report['tool'];
      } else if (piece.key === 'run') {
        out.run = piece.value as RunEvidence;
      }
    }
  } catch (err) {
    if (err instanceof MergeInputError) throw err;
    throw new MergeInputError(`${name}: not a readable JSON report (${(err as Error).message})`);
  }
  if (out.tool?.name !== 'manba' || out.documents === undefined) throw new MergeInputError(`${name}: not a manba JSON report (manba check --format json)`);
  return out;
}

/** Bytes read at a time from all the reports merged at once: 64 reports are read 256 KB at a time, one 1 MB. */
const READ_BUDGET = 16 << 20;

/**
 * What is wrong with the shards the reports say they are (`settings.shard`, "i/n"), if anything: shards of
 * different partitions, or not all n of one. Reports of whole runs (no shard) say nothing either way.
 */
function missingShards(shards: readonly unknown[]): string | undefined {
  const given = shards.filter((s): s is string => typeof s === 'string' && /^\d+\/\d+$/.test(s));
  if (given.length === 0) return undefined;
  const counts = [...new Set(given.map((s) => s.split('/')[1]!))];
  if (counts.length > 1) return `the reports are shards of ${counts.length} different partitions (${counts.map((n) => `…/${n}`).join(', ')}); the merged report is not one audit`;
  const n = Number(counts[0]);
  const have = new Set(given.map((s) => Number(s.split('/')[0])));
  const absent = Array.from({ length: n }, (_x, k) => k + 1).filter((i) => !have.has(i));
  if (absent.length === 0) return undefined;
  const named = absent.length <= 10 ? absent.map((i) => `${i}/${n}`).join(', ') : `${absent.slice(0, 10).map((i) => `${i}/${n}`).join(', ')} and ${absent.length - 10} more`;
  return `shard${absent.length === 1 ? '' : 's'} ${named} ${absent.length === 1 ? 'is' : 'are'} not among the reports: the merged report covers ${n - absent.length} of ${n} shards`;
}

/** A document, and the report it comes from (its place among the reports given). */
interface FromReport {
  report: number;
  document: ReportDocument;
}

/** A report given (`report`, its place), or a temporary report, whose documents each carry their report's place. */
interface Source {
  file: string;
  report?: number;
}

/** A source's documents, in its order; `together`, how many sources are read at the same time. */
function* opened(source: Source, together = 1): Generator<FromReport> {
  if (source.report !== undefined) return yield* fromReport(source.file, source.report, together);
  for (const document of documentsOf(source.file, together)) {
    const [report, d] = document as unknown as [number, ReportDocument];
    yield { report, document: d };
  }
}

function* fromReport(file: string, report: number, together = 1): Generator<FromReport> {
  for (const document of documentsOf(file, together)) yield { report, document };
}

/** A report's documents, in its order. */
function* documentsOf(file: string, together: number): Generator<ReportDocument> {
  const chunk = Math.max(64 << 10, Math.min(1 << 20, Math.floor(READ_BUDGET / together)));
  for (const piece of readJsonReport(file, chunk)) if ('document' in piece) yield piece.document as ReportDocument;
}

/** Consecutive chunks of at most `size` items. */
function* chunksOf<T>(items: Iterable<T>, size: number): Generator<T[]> {
  let chunk: T[] = [];
  for (const item of items) {
    chunk.push(item);
    if (chunk.length === size) {
      yield chunk;
      chunk = [];
    }
  }
  if (chunk.length) yield chunk;
}

/** Order by file; Array.prototype.sort is stable, so a file's documents keep their order. */
const byFile = (a: FromReport, b: FromReport) => {
  const fa = filePart(a.document.path);
  const fb = filePart(b.document.path);
  return fa < fb ? -1 : fa > fb ? 1 : 0;
};

/**
 * Sources each in path order, merged into one: by file, and for the same file the earlier source first (so the
 * merge is the stable sort of the sources one after another). A binary heap of the sources' next documents.
 */
function* mergeSorted(sources: Iterator<FromReport>[]): Generator<FromReport> {
  type Head = { file: string; source: number; item: FromReport };
  const heap: Head[] = [];
  const before = (a: Head, b: Head) => (a.file !== b.file ? a.file < b.file : a.source < b.source);
  const push = (h: Head) => {
    heap.push(h);
    for (let k = heap.length - 1; k > 0; ) {
      const up = (k - 1) >> 1;
      if (!before(heap[k]!, heap[up]!)) break;
      [heap[k], heap[up]] = [heap[up]!, heap[k]!];
      k = up;
    }
  };
  const popTop = (): Head => {
    const top = heap[0]!;
    const lastHead = heap.pop()!;
    if (heap.length) {
      heap[0] = lastHead;
      for (let k = 0; ; ) {
        const l = 2 * k + 1;
        const r = l + 1;
        let least = k;
        if (l < heap.length && before(heap[l]!, heap[least]!)) least = l;
        if (r < heap.length && before(heap[r]!, heap[least]!)) least = r;
        if (least === k) break;
        [heap[k], heap[least]] = [heap[least]!, heap[k]!];
        k = least;
      }
    }
    return top;
  };
  const next = (source: number) => {
    const n = sources[source]!.next();
    if (!n.done) push({ file: filePart(n.value.document.path), source, item: n.value });
  };
  sources.forEach((_s, k) => next(k));
  while (heap.length) {
    const top = popTop();
    yield top.item;
    next(top.source);
  }
}

/** A JSON report's document as a result: its one message given in both languages, its marks as suppressions. */
function resultOf(d: ReportDocument): DocumentResult {
  return {
    ...d,
    findings: d.findings.map(({ suppressed, waived, ...f }) => {
      const suppressions: Suppression[] = [...(suppressed ? [{ kind: 'inSource' as const, justification: suppressed.reason }] : []), ...(waived ? [{ kind: 'external' as const, justification: waived.reason, waiver: waived }] : [])];
      return { ...f, messages: { fa: f.message, en: f.message }, ...(suppressions.length ? { suppressions } : {}) };
    }),
  };
}
