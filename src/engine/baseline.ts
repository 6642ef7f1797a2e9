/**
 * Baselines, for an archive that cannot be fixed today: the fingerprints of today's findings, so later runs
 * report only new ones. A fingerprint hashes the document path, the rule id and the text the finding is about
 * (not its line), so it survives lines being added above it; identical findings in one document are told apart
 * by their order.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { DocumentResult, Finding } from './finding.js';

export const BASELINE_VERSION = 1;

export interface BaselineEntry {
  path: string;
  ruleId: string;
  fingerprint: string;
  /** For people reading the file: what the finding said when the baseline was made. */
  message: string;
}

export interface Baseline {
  version: number;
  tool: { name: string; version: string };
  created: string;
  entries: BaselineEntry[];
}

/** Fingerprints of a document's findings, in the order of the findings. */
export function fingerprintsOf(result: DocumentResult): string[] {
  const seen = new Map<string, number>();
  return result.findings.map((f) => {
    const key = `${result.path}\0${f.ruleId}\0${f.anchor ?? f.message}`;
    const k = seen.get(key) ?? 0;
    seen.set(key, k + 1);
    return createHash('sha256').update(`${key}\0${k}`).digest('hex').slice(0, 32);
  });
}

/** What a document's result adds to a baseline: its findings not suppressed in the document. */
export function baselineEntries(r: DocumentResult): BaselineEntry[] {
  const prints = fingerprintsOf(r);
  return r.findings.flatMap((f, k) => (f.suppressions ? [] : [{ path: r.path, ruleId: f.ruleId, fingerprint: prints[k]!, message: f.messages.en }]));
}

/** A baseline of these entries, made now. */
export function baselineOf(entries: BaselineEntry[], tool: Baseline['tool']): Baseline {
  return { version: BASELINE_VERSION, tool, created: new Date().toISOString(), entries };
}

/** Read a baseline; a missing, corrupt or foreign file gives a warning instead (the caller then checks in full). */
export function readBaseline(file: string): { baseline: Baseline } | { warning: string } {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : `not valid JSON (${(err as Error).message})`;
    return { warning: `baseline ${file}: ${why}; reporting every finding` };
  }
  const b = data as Partial<Baseline>;
  if (b?.version !== BASELINE_VERSION || !Array.isArray(b.entries) || !b.entries.every((e) => typeof e?.fingerprint === 'string' && typeof e?.path === 'string')) {
    return { warning: `baseline ${file}: not a manba baseline of version ${BASELINE_VERSION}; reporting every finding (make a new one with manba baseline create)` };
  }
  return { baseline: b as Baseline };
}

/** Drop the findings the baseline knows. Returns how many were dropped, and which entries were used. */
export function applyBaseline(results: DocumentResult[], baseline: Baseline): { results: DocumentResult[]; dropped: number; used: Set<string> } {
  const known = new Set(baseline.entries.map((e) => e.fingerprint));
  const used = new Set<string>();
  let dropped = 0;
  const out = results.map((r) => {
    const prints = fingerprintsOf(r);
    const findings: Finding[] = [];
    r.findings.forEach((f, k) => {
      if (known.has(prints[k]!)) {
        used.add(prints[k]!);
        dropped++;
      } else findings.push(f);
    });
    return { ...r, findings };
  });
  return { results: out, dropped, used };
}

/** The baseline without the entries whose fingerprint is not among the findings of now. */
export function pruneBaseline(baseline: Baseline, current: ReadonlySet<string>): { baseline: Baseline; removed: number } {
  const entries = baseline.entries.filter((e) => current.has(e.fingerprint));
  return { baseline: { ...baseline, entries }, removed: baseline.entries.length - entries.length };
}
