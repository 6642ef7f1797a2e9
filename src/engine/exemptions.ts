/**
 * The one place a finding is exempted, once per result, in this order, so each finding is exempted by one
 * mechanism at most:
 *   1. suppressed in the document (a manba-disable comment; the engine marks it, as it needs the text);
 *   2. waived by an approved, unexpired waiver (marked `external`, with the waiver): stays in reports, does not count;
 *   3. in the baseline: not reported at all.
 * An expired waiver waives nothing and is itself a warning (`waiver/expired`), at its place in the waiver file; a
 * waiver that covered nothing in the run is `waiver/unused` when asked for.
 */
import { relative } from 'node:path';
import type { Baseline } from './baseline.js';
import { fingerprintsOf } from './baseline.js';
import type { DocumentResult, Finding } from './finding.js';
import { daysBetween, tehranDay, waiverMatchers, type WaiverMatcher, type WaiverSet } from '../waivers/load.js';

export interface ExemptionOptions {
  baseline?: Baseline;
  waivers?: WaiverSet;
  /** Document paths are relative to it. */
  cwd: string;
  /** The day waivers are judged on (default: now). */
  now?: Date;
}

/** A result with its exemptions decided: waived findings marked, baselined ones flagged (not yet dropped). */
export interface ExemptedResult {
  result: DocumentResult;
  /** Per finding, whether the baseline knows it; undefined when no finding is baselined. */
  baselined?: boolean[];
}

/** Where a document's outlet comes from in reports: the attribution's source, else the declared origin. */
export function outletOf(r: DocumentResult): string | undefined {
  return r.facts?.attribution?.outlet ?? r.facts?.declared?.find((x) => x.outlet)?.outlet;
}

export class Exemptions {
  /** Findings the baseline hid, for the closing line. */
  baselined = 0;
  waived = 0;
  private readonly known: Set<string> | undefined;
  private readonly active: WaiverMatcher[];
  private readonly expired: WaiverMatcher[];
  private readonly used = new Set<WaiverMatcher>();
  private todayInTehran: string | undefined;
  /** Today in Tehran. Asked only where there are waivers to date: the first use of ICU costs some 25 ms. */
  get today(): string {
    return (this.todayInTehran ??= tehranDay(this.options.now ?? new Date()));
  }

  constructor(private readonly options: ExemptionOptions) {
    this.known = options.baseline ? new Set(options.baseline.entries.map((e) => e.fingerprint)) : undefined;
    const all = options.waivers ? waiverMatchers(options.waivers, options.cwd) : [];
    this.active = all.filter((m) => daysBetween(this.today, m.waiver.expires) >= 0);
    this.expired = all.filter((m) => daysBetween(this.today, m.waiver.expires) < 0);
  }

  private readonly decided = new WeakMap<DocumentResult, ExemptedResult>();

  /** Whether every result is reported as it is: neither a baseline nor a waiver in force (expired ones change none). */
  get changesNothing(): boolean {
    return !this.known && this.active.length === 0;
  }

  /** Decide each finding's exemption, once per result (asking again gives the same answer). The input is not changed. */
  apply(r: DocumentResult): ExemptedResult {
    // Nothing to decide (no findings, or neither a baseline nor a waiver): the same answer every time, nothing
    // counted, and nothing kept. An entry for every document of an archive kept each result alive through the
    // young-generation collections of a run (V8 keeps what a WeakMap's entries hold until a full one): a third of what
    // survived them, and half of what they promoted.
    if (r.findings.length === 0 || this.changesNothing) return { result: r };
    let e = this.decided.get(r);
    if (!e) this.decided.set(r, (e = this.decide(r)));
    return e;
  }

  private decide(r: DocumentResult): ExemptedResult {
    const prints = this.known ? fingerprintsOf(r) : undefined;
    const doc = { path: r.path, ...(r.url ? { url: r.url } : {}), ...(r.sha256 ? { sha256: r.sha256 } : {}), ...(outletOf(r) ? { outlet: outletOf(r)! } : {}) };
    let baselined: boolean[] | undefined;
    let changed = false;
    const findings = r.findings.map((f, k): Finding => {
      if (f.suppressions) return f;
      const waiver = this.active.find((m) => m.covers(doc, f.ruleId));
      if (waiver) {
        this.used.add(waiver);
        this.waived++;
        changed = true;
        const { file, line, column, rule, reason, approvedBy, approved, expires } = waiver.waiver;
        return { ...f, suppressions: [{ kind: 'external', justification: reason, waiver: { file: relative(this.options.cwd, file) || file, line, column, rule, reason, approvedBy, approved, expires } }] };
      }
      if (prints && this.known!.has(prints[k]!)) {
        (baselined ??= new Array<boolean>(r.findings.length).fill(false))[k] = true;
        this.baselined++;
      }
      return f;
    });
    return { result: changed ? { ...r, findings } : r, ...(baselined ? { baselined } : {}) };
  }

  /** The result as reported: without the findings the baseline knows. */
  shown(e: ExemptedResult): DocumentResult {
    if (!e.baselined) return e.result;
    return { ...e.result, findings: e.result.findings.filter((_, k) => !e.baselined![k]) };
  }

  /**
   * Findings about the waiver file itself, once the run is over: each expired waiver (a warning), and with
   * `reportUnused` each active waiver that covered no finding. Undefined when there are none.
   */
  closing(reportUnused: boolean): DocumentResult | undefined {
    const set = this.options.waivers;
    if (!set) return undefined;
    const findings: Finding[] = [];
    const at = (m: WaiverMatcher, ruleId: string, en: string, fa: string): Finding => ({
      ruleId,
      severity: 'warning',
      message: en,
      messages: { en, fa },
      line: m.waiver.line,
      column: m.waiver.column,
      endLine: m.waiver.line,
      endColumn: m.waiver.column,
    });
    for (const m of this.expired) {
      const w = m.waiver;
      const days = -daysBetween(this.today, w.expires);
      findings.push(
        at(
          m,
          'waiver/expired',
          `The waiver for ${w.rule} approved by ${w.approvedBy} expired on ${w.written.expires} (${days} day${days === 1 ? '' : 's'} ago); it no longer waives anything. Renew it with a new approval or remove it.`,
          `معافیت ${w.rule} که ${w.approvedBy} تأیید کرده بود در ${w.written.expires} (${days} روز پیش) به پایان رسیده و دیگر چیزی را معاف نمی‌کند. آن را با تأیید تازه تمدید یا حذف کنید.`,
        ),
      );
    }
    if (reportUnused) {
      for (const m of this.active) {
        if (this.used.has(m)) continue;
        findings.push(at(m, 'waiver/unused', `This waiver for ${m.waiver.rule} covered no finding in this run; remove it if it is no longer needed.`, `این معافیت برای ${m.waiver.rule} در این اجرا هیچ یافته‌ای را پوشش نداد؛ اگر دیگر لازم نیست حذفش کنید.`));
      }
    }
    if (findings.length === 0) return undefined;
    findings.sort((a, b) => a.line - b.line || a.column - b.column);
    return { path: relative(this.options.cwd, set.file) || set.file, format: 'waivers', findings };
  }
}
