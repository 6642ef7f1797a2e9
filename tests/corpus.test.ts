import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cli, findingsByPath, CORPUS } from './helpers.js';

describe('real pages', () => {
  it('every Titr-network page and the reference article pass the default rules', async () => {
    const r = await cli(['check', `${CORPUS}titr-network`, `${CORPUS}titronline-irna-1399-04-18.txt`, '--format', 'json']);
    const found = findingsByPath(r.stdout);
    expect(Object.keys(found)).toHaveLength(5);
    for (const [path, fs] of Object.entries(found)) expect(fs, path).toEqual([]);
    expect(r.code).toBe(0);
  });

  it('the 120 Fars originals (no republisher footer) get attribution/missing and notice/missing, nothing else', async () => {
    const dir = `${CORPUS}fars-originals`;
    const files = readdirSync(dir).filter((f) => f.endsWith('.txt'));
    expect(files).toHaveLength(120);
    const r = await cli(['check', `${dir}/*.txt`, '--format', 'json']); // index.json beside them is a list of links, not articles
    expect(r.code).toBe(1);
    const found = findingsByPath(r.stdout);
    expect(Object.keys(found)).toHaveLength(120);
    for (const [path, fs] of Object.entries(found)) {
      const ids = fs.map((f) => f.split(' ')[0]);
      if (path.endsWith('fars_007.txt')) {
        // This one ends «منبع : موسسه ابرار معاصر تهران»: it names its source, so attribution is not missing;
        // that source is no news outlet in the registry, which is worth a warning.
        expect(readFileSync(path, 'utf8')).toContain('منبع : موسسه ابرار معاصر تهران');
        expect(ids, path).toEqual(['attribution/unknown-source', 'notice/missing']);
      } else {
        expect(ids, path).toEqual(['attribution/missing', 'notice/missing']);
      }
    }
  });
});
