/**
 * A worker thread of `--jobs`: builds the same rule set and engine as the main thread once, then checks the
 * files it is sent. Only bytes go in (transferred, not copied) and plain results come out.
 */
import { buildRuleSet, loadConfig, type Config } from '../config/load.js';
import { pathRules } from '../config/paths.js';
import { readBytes } from '../documents/read.js';
import { Engine, type EngineOptions } from './engine.js';
import type { DocumentResult } from './finding.js';
import { checkRead } from './run.js';
import { sha256 } from './cache.js';
import type { WorkerSetup } from './pool.js';

let ready: Promise<{ engine: Engine; settingsFor: (p: string) => ReturnType<ReturnType<typeof pathRules>['settingsFor']> }> | undefined;

function setup(s: WorkerSetup) {
  return (ready ??= (async () => {
    const config: Config = s.configFile ? await loadConfig(s.configFile) : { extends: [], builtins: true, rules: {} };
    const ruleSet = await buildRuleSet(config);
    const options: EngineOptions = { ...s.engine, ...(s.engine.now ? { now: new Date(s.engine.now as unknown as string) } : {}) };
    const byPath = pathRules(config, ruleSet, s.cwd);
    return { engine: new Engine(ruleSet, options), settingsFor: (p: string) => byPath.settingsFor(p) };
  })());
}

export default async function checkFile(task: { setup: WorkerSetup; path: string; bytes: Uint8Array }): Promise<DocumentResult[]> {
  const { engine, settingsFor } = await setup(task.setup);
  return checkRead(engine, readBytes(task.path, task.bytes, task.setup.read), settingsFor(task.path), sha256(task.bytes));
}
