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

/** Runs `manba check <file> --format json` in a fresh process; returns the exit code and what was loaded. */
function loadedBy(file: string, cwd: string): { code: number; packages: string[]; nodeModules: string[] } {
  const script = `
    import { createRequire } from 'node:module';
    const { runCli } = await import(${JSON.stringify(join(ROOT, 'dist/cli/program.js'))});
    const code = await runCli(['check', ${JSON.stringify(file)}, '--format', 'json'], { stdout: () => {}, stderr: () => {}, cwd: ${JSON.stringify(cwd)}, readStdin: async () => new Uint8Array(), isTTY: false, env: {} });
    const packages = Object.keys(createRequire(import.meta.url).cache).filter((k) => k.includes('/node_modules/')).map((k) => k.split('/node_modules/').pop().split('/')[0]);
    console.log(JSON.stringify({ code, packages: [...new Set(packages)], nodeModules: process.moduleLoadList.filter((m) => m.startsWith('NativeModule ')).map((m) => m.slice(13)) }));
  `;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as { code: number; packages: string[]; nodeModules: string[] };
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
});
