/** `manba merge <reports…>`: join JSON reports (shards of one audit) into one report, in any format. */
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { RunEvidence } from '../engine/evidence.js';
import { summarize, type DocumentResult, type Finding, type Suppression, type WaiverRef } from '../engine/finding.js';
import { reporterNamed, reporters, type Report } from '../report/index.js';
import { EXIT, UsageError, type CliIO } from './io.js';

interface JsonReport {
  tool: Report['tool'];
  documents: (Omit<DocumentResult, 'findings'> & { findings: (Omit<Finding, 'messages' | 'suppressions'> & { suppressed?: { reason: string }; waived?: WaiverRef })[] })[];
  run?: RunEvidence;
}

export async function mergeCommand(files: string[], opts: { format: string[]; failOn?: string }, io: CliIO): Promise<number> {
  if (files.length === 0) throw new UsageError('name the JSON reports to merge (from manba check --format json)');
  const reports: JsonReport[] = files.map((f) => {
    let data: Partial<JsonReport>;
    try {
      data = JSON.parse(readFileSync(resolve(io.cwd, f), 'utf8')) as Partial<JsonReport>;
    } catch (err) {
      throw new UsageError(`${f}: not a readable JSON report (${(err as Error).message})`);
    }
    if (!data.tool || data.tool.name !== 'manba' || !Array.isArray(data.documents)) throw new UsageError(`${f}: not a manba JSON report (manba check --format json)`);
    return data as JsonReport;
  });
  const ruleSets = new Set(reports.map((r) => r.run?.ruleSetSha256).filter(Boolean));
  if (ruleSets.size > 1) io.stderr(`manba: warning: the reports were made with ${ruleSets.size} different rule sets; the merged report mixes them\n`);
  const seen = new Set<string>();
  const documents: DocumentResult[] = [];
  for (const r of reports) {
    for (const d of r.documents) {
      if (seen.has(d.path)) {
        io.stderr(`manba: warning: ${d.path} is in more than one report; keeping the first\n`);
        continue;
      }
      seen.add(d.path);
      documents.push({
        ...d,
        // A JSON report holds the message in its run's language only; both languages get it.
        findings: d.findings.map(({ suppressed, waived, ...f }) => {
          const suppressions: Suppression[] = [...(suppressed ? [{ kind: 'inSource' as const, justification: suppressed.reason }] : []), ...(waived ? [{ kind: 'external' as const, justification: waived.reason, waiver: waived }] : [])];
          return { ...f, messages: { fa: f.message, en: f.message }, ...(suppressions.length ? { suppressions } : {}) };
        }),
      });
    }
  }
  // Shards are a partition by hash, so report by report is no order at all. A run over a folder lists its files in
  // path order, a file's documents in the file's order: sorted by file (stable), the merge lists them as that run.
  const fileOf = (d: DocumentResult) => d.path.split('#')[0]!;
  documents.sort((a, b) => (fileOf(a) < fileOf(b) ? -1 : fileOf(a) > fileOf(b) ? 1 : 0));
  const runs = reports.map((r) => r.run).filter((r): r is RunEvidence => !!r);
  const run: RunEvidence | undefined = runs.length
    ? {
        ...runs[0]!,
        startedAt: runs.map((r) => r.startedAt).sort()[0]!,
        finishedAt: runs.map((r) => r.finishedAt).sort().at(-1)!,
        // A shard's own position and interruption do not describe the merge.
        settings: { ...Object.fromEntries(Object.entries(runs[0]!.settings).filter(([k]) => k !== 'shard' && k !== 'interrupted')), merged: files.length, interrupted: runs.some((r) => r.settings.interrupted === true) },
      }
    : undefined;
  const report: Report = { tool: reports[0]!.tool, documents, summary: summarize(documents), ...(run ? { run } : {}) };
  const specs = opts.format.length ? opts.format : ['json'];
  for (const spec of specs) {
    const k = spec.indexOf(':');
    const name = k === -1 ? spec : spec.slice(0, k);
    const reporter = reporterNamed(name);
    if (!reporter) throw new UsageError(`unknown format "${name}"; known formats: ${reporters.map((r) => r.name).join(', ')}`);
    const text = reporter.format(report, { color: false, showPassing: true });
    if (k === -1) io.stdout(text);
    else await writeFile(resolve(io.cwd, spec.slice(k + 1)), text);
  }
  if (report.summary.errors > 0 || (opts.failOn === 'warning' && report.summary.warnings > 0)) return EXIT.findings;
  return EXIT.clean;
}
