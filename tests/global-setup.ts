import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Every test run gets a temporary folder of its own and removes it at the end, so no `manba-*` folder
 * (the tests' own, nor one the product leaves by mistake) outlives `npm test`. Test files and the CLI
 * processes they spawn inherit TMPDIR, which `os.tmpdir()` reads.
 */
export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), 'manba-test-run-'));
  const previous = process.env.TMPDIR;
  process.env.TMPDIR = root;
  return () => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    rmSync(root, { recursive: true, force: true });
  };
}
