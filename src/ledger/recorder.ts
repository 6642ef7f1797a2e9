/**
 * Records a run into the audit database as its results arrive: a consumer of the same DocumentResult stream
 * the reports get, plus the run's evidence. Documents are written in batches, one transaction per batch, so a
 * run of 100,000 documents costs a few hundred commits, and another run recording into the same file at the
 * same time interleaves batch by batch (WAL, busy timeout). The run row says `recording` until finish() marks
 * it complete (or interrupted): history commands read complete runs only.
 */
import type { Statement } from 'better-sqlite3';
import { fingerprintsOf } from '../engine/baseline.js';
import type { RunEvidence } from '../engine/evidence.js';
import type { DocumentResult, WaiverRef } from '../engine/finding.js';
import { outletOf } from '../engine/exemptions.js';
import { EXEMPTION, openLedger, type Db } from './database.js';

/** Documents per transaction: large enough that commits are rare, small enough that another writer gets turns. */
const BATCH = 1000;

interface Pending {
  result: DocumentResult;
  baselined?: readonly boolean[];
}

/** Texts (rule ids, messages) remembered with their ids at most, between two clearings. */
const TEXTS_KEPT = 10_000;

export class Recorder {
  readonly runId: number;
  private readonly db: Db;
  private pending: Pending[] = [];
  private readonly texts = new Map<string, number>();
  private readonly waiverIds = new Map<string, number>();
  private readonly insertText: Statement;
  private readonly insertDocument: Statement;
  private readonly insertFinding: Statement;
  private readonly insertWaiver: Statement;
  private documents = 0;
  private errors = 0;
  private warnings = 0;
  private closed = false;

  /**
   * Open `file` (creating and migrating it as needed; throws LedgerError naming the file) and start a run.
   * `command` is what made the run (check, crawl); `site` the publishing site it was made for, if any.
   */
  constructor(
    readonly file: string,
    evidence: RunEvidence,
    tool: { version: string; command: string },
  ) {
    this.db = openLedger(file);
    const site = evidence.settings.site;
    const { settings, ruleSetSha256, registrySha256, startedAt, ...rest } = evidence;
    this.runId = Number(
      this.db
        .prepare('INSERT INTO runs (command, manba_version, started_at, status, rule_set_sha256, registry_sha256, site, settings, evidence) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
        .run(tool.command, tool.version, startedAt, 'recording', ruleSetSha256, registrySha256, typeof site === 'string' ? site : null, JSON.stringify(settings), JSON.stringify({ ...rest, finishedAt: undefined })).lastInsertRowid,
    );
    this.insertText = this.db.prepare('INSERT INTO texts (text) VALUES (?) ON CONFLICT (text) DO UPDATE SET text = excluded.text RETURNING id');
    this.insertDocument = this.db.prepare('INSERT INTO documents (run_id, path, url, sha256, format, outlet, site, errors, warnings) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
    this.insertFinding = this.db.prepare(
      'INSERT INTO findings (document_id, rule, severity, line, col, end_line, end_col, message_en, message_fa, fingerprint, exemption, waiver_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.insertWaiver = this.db.prepare('INSERT INTO waivers (run_id, file, line, rule, reason, approved_by, approved, expires) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  }

  /**
   * One document's result, as the reports get it (waived findings marked), with the findings a baseline hides
   * flagged: those are recorded too, as baselined, since they are still there.
   */
  add(result: DocumentResult, baselined?: readonly boolean[]): void {
    this.pending.push(baselined ? { result, baselined } : { result });
    if (this.pending.length >= BATCH) this.flush();
  }

  private text(s: string): number {
    let id = this.texts.get(s);
    if (id === undefined) {
      id = (this.insertText.get(s) as { id: number }).id;
      // Rule ids and most messages recur; a message that quotes its document may not. Forgetting them all now and
      // then keeps the map small over an archive of any size (the database finds a text again by its index).
      if (this.texts.size >= TEXTS_KEPT) this.texts.clear();
      this.texts.set(s, id);
    }
    return id;
  }

  private waiver(w: WaiverRef): number {
    const key = `${w.file}\0${w.line}`;
    let id = this.waiverIds.get(key);
    if (id === undefined) {
      id = Number(this.insertWaiver.run(this.runId, w.file, w.line, w.rule, w.reason, w.approvedBy, w.approved, w.expires).lastInsertRowid);
      this.waiverIds.set(key, id);
    }
    return id;
  }

  /** Write what is pending, in one transaction. */
  flush(): void {
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.db.transaction(() => {
      for (const { result: r, baselined } of batch) {
        const prints = fingerprintsOf(r);
        let errors = 0;
        let warnings = 0;
        // As history counts: a baselined finding is still there (the baseline only keeps it out of CI reports).
        r.findings.forEach((f) => {
          if (f.suppressions) return;
          if (f.severity === 'error') errors++;
          else warnings++;
        });
        this.documents++;
        this.errors += errors;
        this.warnings += warnings;
        const site = r.facts?.attribution?.site ?? null;
        const documentId = this.insertDocument.run(this.runId, r.path, r.url ?? null, r.sha256 ? Buffer.from(r.sha256, 'hex') : null, r.format ?? null, outletOf(r) ?? null, site, errors, warnings).lastInsertRowid;
        r.findings.forEach((f, k) => {
          const s = f.suppressions?.[0];
          const exemption = s?.kind === 'inSource' ? EXEMPTION.suppressed : s?.kind === 'external' ? EXEMPTION.waived : baselined?.[k] ? EXEMPTION.baselined : EXEMPTION.none;
          this.insertFinding.run(
            documentId,
            this.text(f.ruleId),
            f.severity === 'error' ? 2 : 1,
            f.line,
            f.column,
            f.endLine,
            f.endColumn,
            this.text(f.messages?.en ?? f.message),
            this.text(f.messages?.fa ?? f.message),
            Buffer.from(prints[k]!, 'hex'),
            exemption,
            s?.kind === 'external' ? this.waiver(s.waiver) : null,
          );
        });
      }
    }).immediate();
  }

  /** Write the rest and mark the run complete (or interrupted), with its finishing time and totals. */
  finish(evidence: RunEvidence, interrupted = false): void {
    if (this.closed) return;
    try {
      this.flush();
      this.db
        .prepare('UPDATE runs SET status = ?, finished_at = ?, documents = ?, errors = ?, warnings = ? WHERE id = ?')
        .run(interrupted ? 'interrupted' : 'complete', evidence.finishedAt, this.documents, this.errors, this.warnings, this.runId);
    } finally {
      this.close();
    }
  }

  /** Close without finishing: the run stays `recording` and history ignores it. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }
}
