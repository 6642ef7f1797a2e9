import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, findingsByPath, reference, REFERENCE_PATH, ROOT, CORPUS } from './helpers.js';
import { reporters } from '../src/report/index.js';
import { batchedOutput } from '../src/cli/io.js';
import { runCli } from '../src/cli/program.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'manba-cli-'));

describe('manba check', () => {
  it('passes the reference article with exit 0', async () => {
    const r = await cli(['check', REFERENCE_PATH]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('✓ 1 document checked, 1 passed, no problems');
  });

  it('writes the documented JSON shape', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'a.txt'), reference().replace('ماده ۷۴', 'ماده ۷۵'));
    const r = await cli(['check', 'a.txt', '--format', 'json'], { cwd: dir });
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout);
    expect(Object.keys(json)).toEqual(['tool', 'documents', 'summary', 'run']);
    expect(Object.keys(json.documents[0])).toEqual(['path', 'sha256', 'findings', 'facts']);
    expect(json.documents[0].sha256).toBe(createHash('sha256').update(readFileSync(join(dir, 'a.txt'))).digest('hex'));
    expect(Object.keys(json.run)).toEqual(['startedAt', 'finishedAt', 'ruleSetSha256', 'registrySha256', 'legalTexts', 'settings']);
    expect(Object.keys(json.run.legalTexts)).toEqual(['notice']);
    expect(json.tool).toEqual({ name: 'manba', version: JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')).version });
    expect(json.summary).toEqual({ documents: 1, errors: 1, warnings: 0 });
    expect(json.documents[0].path).toBe('a.txt');
    expect(Object.keys(json.documents[0].findings[0])).toEqual(['ruleId', 'severity', 'message', 'line', 'column', 'endLine', 'endColumn', 'evidence', 'fix']);
    expect(json.documents[0].findings[0]).toMatchObject({ ruleId: 'notice/altered', line: 24, column: 19, endLine: 24, endColumn: 21 });
    // The fix replaces the whole notice (line 24, to the end of the file) with the canonical text; offsets in bytes.
    const text = readFileSync(join(dir, 'a.txt'), 'utf8');
    const notice = text.slice(text.indexOf('با استناد'));
    expect(json.documents[0].findings[0].fix).toEqual({
      range: { start: { line: 24, column: 1, offset: Buffer.byteLength(text.slice(0, text.indexOf('با استناد'))) }, end: { line: 24, column: notice.length + 1, offset: Buffer.byteLength(text) } },
      text: notice.replace('ماده ۷۵', 'ماده ۷۴'),
    });
  });

  it('reads standard input with -', async () => {
    const r = await cli(['check', '-', '--format', 'json'], { stdin: reference().replace(/\nبا استناد[^\n]*/, '') });
    expect(findingsByPath(r.stdout)).toEqual({ '<stdin>': ['notice/missing 23:98'] });
    expect(r.code).toBe(1);
  });

  it('walks folders recursively and expands globs, in a stable order', async () => {
    const dir = tmp();
    mkdirSync(join(dir, 'a/b'), { recursive: true });
    writeFileSync(join(dir, 'a/b/z.txt'), reference());
    writeFileSync(join(dir, 'a/y.txt'), reference());
    writeFileSync(join(dir, 'a/notes.bin'), 'x'); // unknown extension in a folder: not a document
    const folder = await cli(['check', 'a', '--format', 'json'], { cwd: dir });
    expect(Object.keys(findingsByPath(folder.stdout))).toEqual(['a/b/z.txt', 'a/y.txt']);
    const glob = await cli(['check', 'a/**/*.txt', '--format', 'json'], { cwd: dir });
    expect(Object.keys(findingsByPath(glob.stdout))).toEqual(['a/b/z.txt', 'a/y.txt']);
  });

  it('reports unreadable documents and goes on with the others', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'good.txt'), reference());
    writeFileSync(join(dir, 'empty.txt'), '');
    writeFileSync(join(dir, 'binary.txt'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 1]));
    writeFileSync(join(dir, 'cp1256.txt'), Buffer.concat([Buffer.from('خبر\n', 'utf8'), Buffer.from([0x62, 0xe5, 0xed])]));
    const r = await cli(['check', '.', '--format', 'json'], { cwd: dir });
    expect(findingsByPath(r.stdout)).toEqual({
      'binary.txt': ['input/binary 1:1'],
      'cp1256.txt': ['input/encoding 2:2'],
      'empty.txt': ['input/empty 1:1'],
      'good.txt': [],
    });
    expect(r.code).toBe(1);
  });

  it('a path that does not exist: reported, the rest checked, exit 2', async () => {
    const r = await cli(['check', REFERENCE_PATH, 'nope.txt', '--format', 'json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('manba: no such file or folder: nope.txt\n');
    expect(findingsByPath(r.stdout)).toEqual({ [REFERENCE_PATH]: [], 'nope.txt': ['input/not-found 1:1'] });
  });

  it('a folder with no documents is an error naming it', async () => {
    const dir = tmp();
    mkdirSync(join(dir, 'empty'));
    const r = await cli(['check', 'empty'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no documents in folder empty');
  });

  it('--quiet drops warnings and --max-warnings turns them into a failure', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'manba.config.yaml'), 'rules:\n  notice/altered: warn\n');
    writeFileSync(join(dir, 'a.txt'), reference().replace('ماده ۷۴', 'ماده ۷۵'));
    expect((await cli(['check', 'a.txt'], { cwd: dir })).code).toBe(0);
    expect((await cli(['check', 'a.txt', '--max-warnings', '0'], { cwd: dir })).code).toBe(1);
    const quiet = await cli(['check', 'a.txt', '--quiet', '--format', 'json'], { cwd: dir });
    expect(findingsByPath(quiet.stdout)).toEqual({ 'a.txt': [] });
    // Hidden warnings do not count either: what fails the run is what the report shows.
    expect((await cli(['check', 'a.txt', '--quiet', '--max-warnings', '0'], { cwd: dir })).code).toBe(0);
  });

  it('finds the config upwards and applies rule settings and site', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'manba.config.yaml'), 'site: زندگی آنلاین\nrules:\n  attribution/missing: off\n');
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'sub/a.txt'), reference().replace(/منبع خبر "ایرنا"[^\n]*\n/, ''));
    const r = await cli(['check', 'a.txt', '--format', 'json'], { cwd: join(dir, 'sub') });
    expect(findingsByPath(r.stdout)).toEqual({ 'a.txt': ['notice/site 23:103'] });
  });

  it('config errors exit 2 with file:line:column', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'bad.yaml'), 'site: x\nrules:\n  notice/alterd: warn\nlang: de\n');
    const r = await cli(['check', REFERENCE_PATH, '--config', join(dir, 'bad.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${join(dir, 'bad.yaml')}:4:7: lang: "de" is not one of: fa, en`);
    const r2 = await cli(['check', REFERENCE_PATH, '--config', join(dir, 'bad.yaml').replace('bad', 'none')]);
    expect(r2.code).toBe(2);
    writeFileSync(join(dir, 'bad2.yaml'), 'rules:\n  notice/alterd: warn\n');
    const r3 = await cli(['check', REFERENCE_PATH, '--config', join(dir, 'bad2.yaml')]);
    expect(r3.stderr).toContain(`${join(dir, 'bad2.yaml')}:2:3: unknown rule id "notice/alterd" (did you mean "notice/altered"?)`);
  });

  it('extends loads more rule files relative to the config', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'house.yaml'), "rules:\n  - id: house\n    kind: pattern\n    options: { pattern: 'کد خبر', mode: required }\n    checks:\n      missing: { severity: warning }\n");
    writeFileSync(join(dir, 'manba.config.yaml'), 'extends: [house.yaml]\n');
    const r = await cli(['check', REFERENCE_PATH, '--format', 'json'], { cwd: dir });
    // A missing text is reported at the end of the last line (the notice, line 24).
    const lastLine = reference().trimEnd().split('\n');
    expect(findingsByPath(r.stdout)[REFERENCE_PATH]).toEqual([`house/missing ${lastLine.length}:${lastLine[lastLine.length - 1]!.length + 1}`]);
    expect(r.code).toBe(0); // a warning alone does not fail
  });

  it('--output writes the report and never overwrites a document being checked', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'a.txt'), reference());
    const ok = await cli(['check', 'a.txt', '--format', 'json', '--output', 'out.json'], { cwd: dir });
    expect(ok.code).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')).summary.documents).toBe(1);
    const bad = await cli(['check', 'a.txt', '--output', 'a.txt'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(readFileSync(join(dir, 'a.txt'), 'utf8')).toBe(reference());
  });

  it('usage errors exit 2: unknown format, unknown option, no paths', async () => {
    const f = await cli(['check', REFERENCE_PATH, '--format', 'xml']);
    expect([f.code, f.stderr]).toEqual([2, `manba: unknown format "xml"; known formats: ${reporters.map((r) => r.name).join(', ')}\n`]);
    expect((await cli(['check', REFERENCE_PATH, '--frmat', 'json'])).code).toBe(2);
    expect((await cli(['check'])).code).toBe(2);
    expect((await cli(['check', REFERENCE_PATH, '--max-warnings', 'many'])).code).toBe(2);
  });

  it('--help shows examples; --version prints the version', async () => {
    const h = await cli(['check', '--help']);
    expect(h.code).toBe(0);
    expect(h.stdout).toContain('Examples:');
    const v = await cli(['--version']);
    expect(v.stdout.trim()).toBe(JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')).version);
  });

  it('the built binary runs as a process with real exit codes and stdin', () => {
    expect(existsSync(`${ROOT}dist/cli/main.js`)).toBe(true); // npm test builds first (pretest)
    const pass = spawnSync(process.execPath, [`${ROOT}bin/manba.js`, 'check', '-'], { input: reference(), encoding: 'utf8' });
    expect(pass.status).toBe(0);
    const fail = spawnSync(process.execPath, [`${ROOT}bin/manba.js`, 'check', `${CORPUS}fars-originals/fars_001.txt`], { encoding: 'utf8' });
    expect(fail.status).toBe(1);
    expect(fail.stdout).toContain('attribution/missing');
  });
});

describe('legacy encodings', () => {
  it('the reference article saved in Windows-1256 is detected and reads the same', async () => {
    const iconv = (await import('iconv-lite')).default;
    // Legacy archives wrote Arabic yeh and ASCII digits: Windows-1256 has no Persian yeh or digits.
    const legacy = reference().replace(/ی/g, 'ي').replace(/[۰-۹]/g, (d) => String(d.charCodeAt(0) - 0x06f0));
    const dir = mkdtempSync(join(tmpdir(), 'manba-1256-'));
    writeFileSync(join(dir, 'legacy.txt'), iconv.encode(legacy, 'windows-1256'));
    writeFileSync(join(dir, 'altered.txt'), iconv.encode(legacy.replace('ماده 74', 'ماده 75'), 'windows-1256'));
    const r = await cli(['check', '.', '--format', 'json'], { cwd: dir });
    // One byte is one character in Windows-1256, so positions are those of the UTF-8 reference.
    expect(findingsByPath(r.stdout)).toEqual({ 'altered.txt': ['notice/altered 24:19'], 'legacy.txt': [] });
  });
});

describe('standard output in batches (batchedOutput)', () => {
  it('joins pieces into one write once they reach the batch size, and writes the rest at the next turn', async () => {
    const writes: string[] = [];
    const out = batchedOutput((s) => writes.push(s), 10);
    out.write('abc');
    out.write(''); // nothing to write: never a write of its own
    out.write('defg');
    expect(writes).toEqual([]);
    out.write('hij'); // 10 characters waiting: written together
    expect(writes).toEqual(['abcdefghij']);
    out.write('k');
    expect(writes).toEqual(['abcdefghij']);
    await new Promise((r) => setImmediate(r));
    expect(writes).toEqual(['abcdefghij', 'k']);
    out.write('l');
    out.flush();
    out.flush(); // nothing waiting: no empty write
    expect(writes).toEqual(['abcdefghij', 'k', 'l']);
  });

  it('keeps a run’s standard output and its messages on stderr in the order they were written', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'a.txt'), reference());
    const events: string[] = [];
    let out = '';
    const code = await runCli(['check', 'a.txt', 'missing.txt', '--format', 'jsonl'], {
      stdout: (s) => {
        events.push('out');
        out += s;
      },
      stderr: (s) => events.push(`err:${s}`),
      cwd: dir,
      readStdin: async () => new Uint8Array(),
      isTTY: false,
      env: {},
    });
    expect(code).toBe(2);
    // Both documents and the summary, then the message about the missing file: not the other way round. In one
    // write, or more when the event loop turned between the documents (a loaded machine: the run yields every 20 ms).
    expect(out.split('\n').filter(Boolean).map((line) => JSON.parse(line).path ?? Object.keys(JSON.parse(line))[0])).toEqual(['a.txt', 'missing.txt', 'summary']);
    expect(events.at(-1)).toBe('err:manba: no such file or folder: missing.txt\n');
    expect(events.slice(0, -1).every((e) => e === 'out')).toBe(true);
    expect(events.length).toBeGreaterThanOrEqual(2);
  });
});
