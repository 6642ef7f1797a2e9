/**
 * A worker thread of `--jobs`: builds the same rule set and engine as the main thread once, then checks the
 * batches of files it is sent, reading them itself when given a path.
 */
import { buildRuleSet, loadConfig, type Config, type RuleSet } from '../config/load.js';
import { compileLoadedRules } from '../rules/load.js';
import { Registry } from '../sources/registry.js';
import { pathRules } from '../config/paths.js';
import { ReadBuffer, readBytes, readFileSnapshotSync } from '../documents/read.js';
import { Engine, problemResult, type DocumentSettings, type EngineOptions } from './engine.js';
import { summarize, type CheckedDocument, type DocumentResult, type RenderedResult } from './finding.js';
import { checkRead, DEFAULT_MAX_FILE_SIZE } from './run.js';
import { sha256 } from './cache.js';
import type { WorkerFile, WorkerFix, WorkerSetup } from './pool.js';
import type { FileFixOptions } from '../fix/files.js';
import { workerData } from 'node:worker_threads';
import { setHeapFlags } from './heap.js';

const readBuffer = new ReadBuffer();
// Starting a worker thread resets V8's flags for the whole process, the main thread's too: set again here what the
// main thread had set (see heap.ts): under the CLI, a young generation that does not grow and a slowly growing old
// one; in a program using manba as a library, nothing of manba's choosing.
setHeapFlags((workerData as WorkerSetup).heapFlags ?? []);

let ready: Promise<{ engine: Engine; settingsFor: (p: string) => DocumentSettings | undefined }> | undefined;

function setup(s: WorkerSetup) {
  return (ready ??= (async () => {
    const config: Config = s.configFile ? await loadConfig(s.configFile) : { extends: [], builtins: true, rules: {} };
    // Rules and registry as the main thread loaded them, when given: no second parse of every YAML file.
    const ruleSet: RuleSet = s.prepared
      ? { rules: compileLoadedRules(s.prepared.definitions), registry: new Registry(s.prepared.outlets), severities: new Map(s.prepared.severities) }
      : await buildRuleSet(config);
    const options: EngineOptions = { ...s.engine, ...(s.engine.now ? { now: new Date(s.engine.now as unknown as string) } : {}) };
    const byPath = pathRules(config, ruleSet, s.cwd, s.forceSite);
    return { engine: new Engine(ruleSet, options), settingsFor: (p: string) => byPath.settingsFor(p) };
  })());
}

/** A worker has nothing else to do while it reads, so it reads synchronously: no thread-pool round trips. */
function one(s: WorkerSetup, engine: Engine, settingsFor: (p: string) => DocumentSettings | undefined, file: WorkerFile): DocumentResult[] {
  let bytes = file.bytes;
  if (!bytes) {
    // Checked before the next file is read: the bytes may live in the thread's read buffer.
    const read = readFileSnapshotSync(file.absolute!, file.path, s.maxFileSize ?? DEFAULT_MAX_FILE_SIZE, readBuffer);
    if (!read.ok) return [problemResult({ path: file.path, ruleId: read.ruleId, message: read.message })];
    bytes = read.bytes;
  }
  return checkRead(engine, readBytes(file.path, bytes, s.read), settingsFor(file.path), sha256(bytes));
}

/**
 * A file fixed (written, or its diffs made) and the check of what it now holds, as the main thread's fixing does
 * (run.ts, fromFix): the results carry the digest of the fixed bytes.
 */
function fixOne(s: WorkerSetup, engine: Engine, settingsFor: (p: string) => DocumentSettings | undefined, file: WorkerFile): { results: DocumentResult[]; fix: WorkerFix | null } {
  let bytes = file.bytes;
  if (!bytes) {
    const read = readFileSnapshotSync(file.absolute!, file.path, s.maxFileSize ?? DEFAULT_MAX_FILE_SIZE, readBuffer);
    if (!read.ok) return { results: [problemResult({ path: file.path, ruleId: read.ruleId, message: read.message })], fix: null };
    bytes = read.bytes;
  }
  const { write, diffs, types, suggestions } = s.fix!;
  const settings = settingsFor(file.path);
  const options: FileFixOptions = { ...(s.read ? { read: s.read } : {}), ...(settings ? { settings } : {}), selection: { ...(types ? { types: new Set(types) } : {}), suggestions }, write, diffs };
  const fixed = fixing!(engine, file.path, file.absolute ?? file.path, bytes, options);
  const digest = sha256(fixed.bytes);
  const { fixed: _bytes, ...told } = fixed.file;
  return { results: fixed.results.map((r) => ({ ...r, sha256: digest })), fix: told };
}

/** Loaded by a worker that fixes. */
let fixing: typeof import('../fix/files.js').fixFile | undefined;

/**
 * For tests of crash and time-limit handling only: MANBA_TEST_WORKER_FAULT=crash:<text> or hang:<text> before a
 * batch is checked, crash-written:<text> once a matching file has been fixed (and written, under --fix).
 */
function testFault(file: WorkerFile, when: 'before' | 'written' = 'before'): void {
  const fault = process.env.MANBA_TEST_WORKER_FAULT;
  if (!fault) return;
  const [kind, text] = [fault.slice(0, fault.indexOf(':')), fault.slice(fault.indexOf(':') + 1)];
  if (!text || !file.path.includes(text)) return;
  if (when === 'written') {
    if (kind === 'crash-written') process.exit(70);
    return;
  }
  if (kind === 'crash') process.exit(70);
  if (kind === 'hang') for (;;);
}

/**
 * A batch of files; the setup came once, as the worker's workerData, not with every batch. Results go back as one
 * JSON string: the main thread parses it faster than it deserializes a structured clone of as many small objects
 * (about 5% of a `--jobs 2` run's wall time), and the main thread is what a parallel run waits on. Results written
 * here for the reports (`render`) go back as they are: mostly long strings, which a clone copies whole.
 */
export default async function checkFiles(task: { files: WorkerFile[]; written?: Int32Array }): Promise<string | CheckedDocument[][]> {
  const s = workerData as WorkerSetup;
  const { engine, settingsFor } = await setup(s);
  for (const f of task.files) testFault(f);
  if (s.fix) {
    fixing ??= (await import('../fix/files.js')).fixFile;
    const fixed = task.files.map((f, k) => {
      const one = fixOne(s, engine, settingsFor, f);
      // Told at once, in memory the main thread shares: should the batch fail after this, the file stays written.
      if (task.written && one.fix?.written) Atomics.store(task.written, k, one.fix.findings.length);
      testFault(f, 'written');
      return one;
    });
    return JSON.stringify({ results: fixed.map((f) => f.results), fixes: fixed.map((f) => f.fix) });
  }
  const out: CheckedDocument[][] = [];
  const render = s.render ? await (rendering ??= renderer(s.render)) : undefined;
  for (const f of task.files) {
    const results = one(s, engine, settingsFor, f);
    out.push(render ? results.map(render) : results);
  }
  // As JSON, the written pieces' every quote and line break would be escaped here and read back there.
  return render ? out : JSON.stringify(out);
}

let rendering: Promise<(r: DocumentResult) => RenderedResult> | undefined;

/**
 * A result written for the run's streaming reports, as the main thread would write it (see RenderedResult). The
 * reporters are loaded only by a worker that writes results.
 */
async function renderer({ formats, options }: NonNullable<WorkerSetup['render']>): Promise<(r: DocumentResult) => RenderedResult> {
  const { reporterNamed } = await import('../report/index.js');
  const streams = formats.map((name) => reporterNamed(name)!.stream!);
  return (r) => {
    const { errors, warnings } = summarize([r]);
    return { rendered: true, path: r.path, errors, warnings, pieces: streams.map((stream, k) => stream.document(r, 0, options[k]!)) };
  };
}
