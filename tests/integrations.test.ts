import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { cli, ROOT } from './helpers.js';

describe('ready-made integrations', () => {
  it('the GitHub format on examples/ gives exactly the captured annotations', async () => {
    const r = await cli(['check', 'examples/', '--format', 'github']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(readFileSync(`${ROOT}tests/fixtures/examples.github.txt`, 'utf8'));
  });

  it('the GitHub Actions example runs manba with annotations, SARIF and JUnit, and uploads the SARIF', () => {
    const wf = parse(readFileSync(`${ROOT}docs/ci/github-actions.yml`, 'utf8')) as { jobs: { check: { steps: { run?: string; uses?: string; with?: Record<string, unknown> }[] } } };
    const steps = wf.jobs.check.steps;
    const run = steps.find((s) => s.run?.includes('manba check'))!.run!;
    expect(run).toContain('--format github');
    expect(run).toContain('--format sarif:manba.sarif');
    expect(run).toContain('--changed-since');
    expect(steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif'))!.with!.sarif_file).toBe('manba.sarif');
  });

  it('the GitLab snippet and the pre-commit hook call the real CLI with options it has', async () => {
    const gl = parse(readFileSync(`${ROOT}docs/ci/gitlab-ci.yml`, 'utf8')) as { manba: { script: string[]; artifacts: { reports: { junit: string } } } };
    const command = gl.manba.script.find((s) => s.includes('manba check'))!;
    expect(command).toContain('--format junit:manba-junit.xml');
    expect(gl.manba.artifacts.reports.junit).toBe('manba-junit.xml');
    const hooks = parse(readFileSync(`${ROOT}.pre-commit-hooks.yaml`, 'utf8')) as { id: string; entry: string; files: string }[];
    expect(hooks[0]).toMatchObject({ id: 'manba', entry: 'manba check', language: 'node' });
    // pre-commit passes the staged files' paths after the entry.
    const r = await cli([...hooks[0]!.entry.split(' ').slice(1), 'examples/pass-reference-titronline-irna.txt']);
    expect(r.code).toBe(0);
    expect(new RegExp(hooks[0]!.files).test('articles/a.txt')).toBe(true);
  });

  it('the fixing variants: a pre-commit hook and a GitHub Actions job that pushes the fixes', async () => {
    const hooks = parse(readFileSync(`${ROOT}.pre-commit-hooks.yaml`, 'utf8')) as { id: string; entry: string; files: string }[];
    const fixHook = hooks.find((h) => h.id === 'manba-fix')!;
    expect(fixHook).toMatchObject({ entry: 'manba check --fix', language: 'node', files: hooks[0]!.files });
    // pre-commit passes the staged files after the entry: the file is fixed and the hook passes.
    const dir = mkdtempSync(join(tmpdir(), 'manba-hook-'));
    copyFileSync(`${ROOT}examples/fail-notice-missing.txt`, join(dir, 'a.txt'));
    const r = await cli([...fixHook.entry.split(' ').slice(1), 'a.txt'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(readFileSync(join(dir, 'a.txt'), 'utf8')).toBe(readFileSync(`${ROOT}examples/pass-reference-titronline-irna.txt`, 'utf8'));

    const wf = parse(readFileSync(`${ROOT}docs/ci/github-actions.yml`, 'utf8')) as {
      on: { pull_request: { types: string[] } };
      jobs: { fix: { if: string; permissions: Record<string, string>; steps: { run?: string; 'continue-on-error'?: boolean }[] } };
    };
    expect(wf.on.pull_request.types).toContain('labeled');
    const job = wf.jobs.fix;
    expect(job.if).toContain("contains(github.event.pull_request.labels.*.name, 'manba-fix')");
    expect(job.permissions).toEqual({ contents: 'write' });
    const fixStep = job.steps.find((s) => s.run?.includes('manba check'))!;
    expect(fixStep.run).toContain('--fix');
    expect(fixStep['continue-on-error']).toBe(true);
    expect(job.steps.find((s) => s.run?.includes('git push'))!.run).toContain('git diff --quiet && exit 0');
  });
});
