/**
 * What `manba check` loads to check plain text: every start of the CLI and of every worker pays for what it loads,
 * so the libraries and Node modules only some runs need (the crawler's, the audit database's, other formats',
 * --fix-dry-run's diffs, --changed-since's git, config overrides' globs) are loaded on first use.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reference, ROOT } from './helpers.js';

/**
 * Runs `manba check <file> --format json` in a fresh process; returns the exit code and what was loaded: packages
 * required, Node's own modules, and manba's modules (as paths under dist/, seen by a resolve hook).
 */
function loadedBy(file: string, cwd: string): { code: number; packages: string[]; nodeModules: string[]; modules: string[] } {
  const hooks = `let port; export function initialize(d) { port = d.port; } export async function resolve(s, c, next) { const r = await next(s, c); port.postMessage(r.url); return r; }`;
  const script = `
    import { createRequire, register } from 'node:module';
    import { MessageChannel } from 'node:worker_threads';
    const { port1, port2 } = new MessageChannel();
    const urls = [];
    port1.on('message', (u) => urls.push(u));
    register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hooks)}), import.meta.url, { data: { port: port2 }, transferList: [port2] });
    const { runCli } = await import(${JSON.stringify(join(ROOT, 'dist/cli/program.js'))});
    const code = await runCli(['check', ${JSON.stringify(file)}, '--format', 'json'], { stdout: () => {}, stderr: () => {}, cwd: ${JSON.stringify(cwd)}, readStdin: async () => new Uint8Array(), isTTY: false, env: {} });
    const packages = Object.keys(createRequire(import.meta.url).cache).filter((k) => k.includes('/node_modules/')).map((k) => k.split('/node_modules/').pop().split('/')[0]);
    await new Promise((r) => setTimeout(r, 100));
    port1.close();
    const modules = urls.filter((u) => u.includes('/dist/')).map((u) => u.slice(u.lastIndexOf('/dist/') + 6));
    console.log(JSON.stringify({ code, packages: [...new Set(packages)], nodeModules: process.moduleLoadList.filter((m) => m.startsWith('NativeModule ')).map((m) => m.slice(13)), modules: [...new Set(modules)] }));
  `;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as { code: number; packages: string[]; nodeModules: string[]; modules: string[] };
}

describe('a check of plain text', () => {
  it('loads commander and no other library by require, and none of the modules for HTTP, compression or git', () => {
    const dir = mkdtempSync(join(tmpdir(), 'manba-startup-'));
    writeFileSync(join(dir, 'a.txt'), reference());
    const { code, packages, nodeModules } = loadedBy(join(dir, 'a.txt'), dir);
    expect(code).toBe(0);
    expect(packages).toEqual(['commander']);
    // commander itself loads child_process (for git-style subcommands), so that one is not asserted.
    for (const m of ['http', 'https', 'zlib', 'tls']) expect(nodeModules, m).not.toContain(m);
  });

  it("loads none of manba's modules for the audit database, fixing or the crawler", () => {
    const dir = mkdtempSync(join(tmpdir(), 'manba-startup-'));
    writeFileSync(join(dir, 'a.txt'), reference());
    const { code, modules } = loadedBy(join(dir, 'a.txt'), dir);
    expect(code).toBe(0);
    // The hook saw the modules a check needs: what it reports is the run's own.
    expect(modules).toContain('cli/check.js');
    expect(modules).toContain('engine/engine.js');
    expect(modules.filter((m) => /^(ledger|fix|crawl)\//.test(m) || m === 'cli/crawl.js')).toEqual([]);
  });
});
