import { describe, expect, it } from 'vitest';
import { cli, findingsByPath } from './helpers.js';

/** The table in examples/README.md, checked by running the CLI over the folder. */
const EXPECTED: Record<string, string[]> = {
  'examples/pass-reference-titronline-irna.txt': [],
  'examples/pass-cosmetic-script-noise.txt': [],
  'examples/pass-layout-b-line-break-in-quotes.txt': [],
  'examples/fail-attribution-missing.txt': ['attribution/missing 23:304'],
  'examples/fail-attribution-mismatch.txt': ['attribution/mismatch 23:11'],
  'examples/fail-notice-missing.txt': ['notice/missing 23:98'],
  'examples/fail-notice-altered-article.txt': ['notice/altered 24:19'],
  'examples/fail-notice-altered-date.txt': ['notice/altered 24:49'],
  'examples/fail-notice-altered-liability.txt': ['notice/altered 24:281'],
  'examples/fail-notice-cut-short.txt': ['notice/altered 24:132'],
  'examples/fail-notice-cut-after-citation.txt': ['notice/altered 24:77'],
  'examples/fail-notice-position.txt': ['notice/position 5:1'],
  'examples/fail-notice-site.txt': ['notice/site 24:103'],
  'examples/fail-empty.txt': ['input/empty 1:1'],
  'examples/fail-not-utf8.txt': ['input/encoding 2:1'],
  'examples/markdown/fail-notice-altered.md': ['notice/altered 31:19'],
  'examples/markdown/fail-notice-only-in-code-block.md': ['notice/missing 30:98'],
  'examples/markdown/pass-reference.md': [],
  'examples/html/fail-notice-altered-article.html': ['notice/altered 66:21'],
  'examples/html/pass-entities-in-notice.html': [],
  'examples/html/pass-titr-article.html': [],
  'examples/html/pass-titr-page-footer.html': [],
  'examples/feed/titr-two-items.rss#titr-1399041801': [],
  'examples/feed/titr-two-items.rss#titr-1399041802': ['notice/missing 44:220'],
  'examples/json/articles.jsonl#jsonl-1': [],
  'examples/json/articles.jsonl#jsonl-2': ['notice/altered 2:8849'],
  'examples/json/articles.jsonl#3': ['input/malformed 3:2100'],
  'examples/json/cms-export.json#titr-1399-04-18-1': [],
  'examples/json/cms-export.json#titr-1399-04-18-2': ['notice/altered 13:1741'],
  'examples/json/export-object.json#irna-83850210': [],
  'examples/json/export-object.json#irna-83850211': ['notice/site 24:1907'],
};

describe('examples/', () => {
  it('gives exactly the findings examples/README.md lists', async () => {
    const r = await cli(['check', 'examples/', '--format', 'json']);
    expect(findingsByPath(r.stdout)).toEqual(EXPECTED);
    expect(r.code).toBe(1);
  });

  it('every built-in rule id fails in at least one example', () => {
    const ids = new Set(Object.values(EXPECTED).flat().map((f) => f.split(' ')[0]));
    for (const id of ['attribution/missing', 'attribution/mismatch', 'notice/missing', 'notice/altered', 'notice/position', 'notice/site']) expect(ids).toContain(id);
  });
});
