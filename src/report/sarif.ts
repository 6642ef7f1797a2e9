import { createHash } from 'node:crypto';
import { sep } from 'node:path';
import type { Finding } from '../engine/finding.js';
import type { Severity } from '../rules/types.js';
import { jsonAt } from './json.js';
import { filePart, itemPart } from './text.js';
import { defineReporter } from './types.js';

/** Where the results go in the log, and how far in they sit. */
const RESULTS = '\u0000results\u0000';
const RESULT_INDENT = ' '.repeat(8);

/**
 * SARIF 2.1.0, for code-scanning services: one run, a rule descriptor for each rule that has results (sorted
 * by id, so indexes depend only on which rules occur), a result per finding located in its file.
 */
export const sarifReporter = defineReporter({
  name: 'sarif',
  description: 'SARIF 2.1.0 (static analysis results), for code scanning.',
  /**
   * The rules first (one pass over the documents for the rules that occur), then a result at a time, laid out as
   * `JSON.stringify(log, null, 2)` lays out the whole log: the same bytes, never the whole log in memory.
   */
  *chunks(report) {
    const levels = new Map<string, Severity>();
    for (const d of report.documents) {
      for (const f of d.findings) if (levels.get(f.ruleId) !== 'error') levels.set(f.ruleId, f.severity);
    }
    const ruleIds = [...levels.keys()].sort();
    const ruleIndex = new Map(ruleIds.map((id, i) => [id, i]));
    const log = (results: unknown[]) => ({
      $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
      version: '2.1.0',
      runs: [
        {
          tool: {
            driver: {
              name: report.tool.name,
              version: report.tool.version,
              semanticVersion: report.tool.version,
              rules: ruleIds.map((id) => ({ id, shortDescription: { text: id }, defaultConfiguration: { level: levels.get(id)! } })),
            },
          },
          columnKind: 'utf16CodeUnits',
          results,
        },
      ],
    });
    // No rule occurs, so no result: an empty array, as JSON.stringify writes it.
    if (ruleIds.length === 0) return yield `${JSON.stringify(log([]), null, 2)}\n`;
    // The log around one placeholder result, cut where the results go; results sit three levels in (8 spaces).
    const whole = JSON.stringify(log([RESULTS]), null, 2);
    const at = whole.indexOf(JSON.stringify(RESULTS));
    yield whole.slice(0, at);
    let first = true;
    for (const d of report.documents) {
      const seen = new Map<string, number>();
      for (const f of d.findings) {
        yield `${first ? '' : `,\n${RESULT_INDENT}`}${jsonAt(result(d.path, f, ruleIndex.get(f.ruleId)!, seen), RESULT_INDENT)}`;
        first = false;
      }
    }
    yield `${whole.slice(at + JSON.stringify(RESULTS).length)}\n`;
  },
});

function result(path: string, f: Finding, ruleIndex: number, seen: Map<string, number>): object {
  const item = itemPart(path);
  const suppressions = suppressionsOf(f);
  return {
    ruleId: f.ruleId,
    ruleIndex,
    level: f.severity,
    message: { text: f.message },
    locations: [
      {
        physicalLocation: {
          artifactLocation: artifactLocation(filePart(path)),
          region: { startLine: f.line, startColumn: f.column, endLine: f.endLine, endColumn: f.endColumn },
        },
        // An item inside a file (`file.json#42`): the file is the artifact, the item a logical location in it.
        ...(item !== undefined ? { logicalLocations: [{ name: item, fullyQualifiedName: path }] } : {}),
      },
    ],
    partialFingerprints: { 'manba/v1': fingerprint(path, f, seen) },
    ...(suppressions ? { suppressions } : {}),
    ...(f.evidence ? { properties: { ...f.evidence } } : {}),
    ...(f.fix ? { fixes: [fixOf(filePart(path), f.fix)] } : {}),
  };
}

/** A fix as SARIF writes it: one replacement in the file, located by line and column and by bytes alike. */
function fixOf(file: string, fix: NonNullable<Finding['fix']>): object {
  const { start, end } = fix.range;
  return {
    description: { text: fix.suggestion ? 'Suggestion (a person decides): manba check --fix --fix-suggestions' : 'manba check --fix' },
    artifactChanges: [
      {
        artifactLocation: artifactLocation(file),
        replacements: [
          {
            deletedRegion: { startLine: start.line, startColumn: start.column, endLine: end.line, endColumn: end.column, byteOffset: start.offset, byteLength: end.offset - start.offset },
            insertedContent: { text: fix.text },
          },
        ],
      },
    ],
  };
}

/**
 * sha256 of rule, document and message: not of the position, so a finding keeps its identity when the text above
 * it changes. The English message is used whatever --lang says, so switching languages does not make every result
 * look new. A repeat of the same (rule, message) in one document also hashes its occurrence number, so
 * fingerprints in a run stay distinct.
 */
function fingerprint(path: string, f: Finding, seen: Map<string, number>): string {
  const message = f.messages?.en ?? f.message;
  const key = `${f.ruleId}\u0000${message}`;
  const n = seen.get(key) ?? 0;
  seen.set(key, n + 1);
  const input = [f.ruleId, path, message, ...(n > 0 ? [String(n)] : [])].join('\u0000');
  return createHash('sha256').update(input, 'utf8').digest('hex');
}

/** Suppressions, when a finding carries them (read defensively: only SARIF's kinds, a justification if any). */
function suppressionsOf(f: Finding): { kind: string; justification?: string; status?: string; properties?: object }[] | undefined {
  const raw: unknown = f.suppressions;
  if (!Array.isArray(raw)) return undefined;
  const out: { kind: string; justification?: string; status?: string; properties?: object }[] = [];
  for (const s of raw as unknown[]) {
    if (typeof s !== 'object' || s === null) continue;
    const { kind, justification } = s as { kind?: unknown; justification?: unknown };
    if (kind !== 'inSource' && kind !== 'external') continue;
    // A waiver is an approved external suppression: who approved it and until when go in its properties.
    const waiver = kind === 'external' ? (s as { waiver?: { approvedBy: string; approved: string; expires: string; file: string; line: number } }).waiver : undefined;
    out.push({
      kind,
      ...(typeof justification === 'string' && justification !== '' ? { justification } : {}),
      ...(waiver ? { status: 'accepted', properties: { approvedBy: waiver.approvedBy, approved: waiver.approved, expires: waiver.expires, waiverFile: waiver.file, waiverLine: waiver.line } } : {}),
    });
  }
  return out;
}

/**
 * A path as an RFC 3986 URI reference: each segment percent-encoded (non-ASCII as UTF-8, and `?`, `#`, `%`, `:`
 * too, which would otherwise change what the reference means). Relative paths are relative to %SRCROOT%;
 * absolute ones become file: URIs.
 */
function artifactLocation(path: string): { uri: string; uriBaseId?: string } {
  let p = sep === '\\' ? path.replace(/\\/g, '/') : path;
  const drive = /^[A-Za-z]:\//.exec(p)?.[0];
  if (drive) p = p.slice(drive.length);
  const encoded = p.split('/').map((segment) => encodeURIComponent(segment)).join('/');
  if (drive) return { uri: `file:///${drive}${encoded}` };
  if (p.startsWith('/')) return { uri: `file://${encoded}` };
  return { uri: encoded.replace(/^(?:\.\/)+/, ''), uriBaseId: '%SRCROOT%' };
}
