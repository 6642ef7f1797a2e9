import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AjvDraft04 from 'ajv-draft-04';
import AjvFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import type { DocumentResult, Finding } from '../src/engine/finding.js';
import { summarize } from '../src/engine/finding.js';
import { reporterNamed, reporters, type Report } from '../src/report/index.js';
import { escapeXml } from '../src/report/text.js';
import { cli, positionOf, reference, FIXTURES } from './helpers.js';

const ZWNJ = '\u200c';
/** An error message with everything XML and workflow commands must escape, and a ZWNJ. */
const E1 = `پانویس «ایسنا» را نام می${ZWNJ}برد، اما خبر از «ایرنا» است: <منبع> & "نقل" 'قول' 100%`;
/** A message across two lines, with a control character XML 1.0 cannot carry. */
const W1 = 'تاریخ ۱۴۰۵/۰۱/۰۱ در آینده است\nسطر دوم\u0001';
const E2 = 'تذکر ماده ۷۴ نیامده است';
const W2 = 'منبع «فلان» شناخته نیست';
const W3 = 'نام سایت: «خبرآنلاین»، نه «تیترآنلاین», 50%';

function finding(ruleId: string, severity: Finding['severity'], message: string, at: [number, number, number, number], evidence?: Finding['evidence']): Finding {
  const [line, column, endLine, endColumn] = at;
  return { ruleId, severity, message, messages: { fa: message, en: `${ruleId} (en)` }, line, column, endLine, endColumn, ...(evidence ? { evidence } : {}) };
}

const PERSIAN_PATH = 'اخبار/خبر تازه.txt';
const ODD_PATH = 'reports/odd, name: 100%.txt';

function sample(): Report {
  const documents: DocumentResult[] = [
    { path: 'clean.txt', findings: [] },
    {
      path: PERSIAN_PATH,
      findings: [
        finding('attribution/mismatch', 'error', E1, [23, 11, 23, 16], { expected: 'ایرنا', found: 'ایسنا' }),
        finding('byline/date-future', 'warning', W1, [24, 103, 24, 110]),
      ],
      facts: { attribution: { source: 'ایرنا', line: 23, column: 11 } },
    },
    { path: 'data/file.json#42', findings: [finding('notice/missing', 'error', E2, [3, 5, 3, 9])] },
    { path: 'data/file.json#43', findings: [finding('attribution/unknown-source', 'warning', W2, [9, 1, 9, 5])] },
    { path: ODD_PATH, findings: [finding('notice/site', 'warning', W3, [1, 1, 1, 2])] },
  ];
  return { tool: { name: 'manba', version: '9.8.7' }, documents, summary: summarize(documents) };
}

const OPTIONS = { color: false, showPassing: true };
const format = (name: string, report: Report = sample()) => reporterNamed(name)!.format(report, OPTIONS);

describe('registry', () => {
  it('has every format, each with a unique name', () => {
    const names = reporters.map((r) => r.name);
    expect(names).toEqual(expect.arrayContaining(['stylish', 'json', 'jsonl', 'compact', 'sarif', 'junit', 'github', 'checkstyle']));
    expect(new Set(names).size).toBe(names.length);
  });
});

describe('reports in pieces', () => {
  it('the formats that need totals first come a piece a document or finding: none is one string of a whole audit', () => {
    // A piece a document or a finding, not the report: sample() has five documents and five findings. (Each format's
    // bytes are its own tests'; `format` is its chunks joined, by defineReporter.)
    expect([...reporterNamed('junit')!.chunks(sample(), OPTIONS)]).toHaveLength(7);
    expect([...reporterNamed('checkstyle')!.chunks(sample(), OPTIONS)]).toHaveLength(7);
    expect([...reporterNamed('sarif')!.chunks(sample(), OPTIONS)]).toHaveLength(7);
    expect([...reporterNamed('github')!.chunks(sample(), OPTIONS)]).toHaveLength(5);
  });
});

describe('streaming formats', () => {
  it("a document's piece at any place is the separator, then the piece written first: workers write pieces as first", () => {
    const streaming = reporters.filter((r) => r.stream);
    expect(streaming.map((r) => r.name).sort()).toEqual(['compact', 'csv', 'json', 'jsonl']);
    for (const r of streaming) {
      for (const d of sample().documents) {
        const first = r.stream!.document(d, 0, OPTIONS);
        expect(r.stream!.document(d, 3, OPTIONS)).toBe((r.stream!.separator ?? '') + first);
      }
    }
    // JSON is the one whose pieces need a separator: without it, the documents' array would not parse.
    expect(reporterNamed('json')!.stream!.separator).toBe(',');
  });
});

describe('stylish', () => {
  it('groups findings by document, passing ones marked, then the totals; written a line at a time', () => {
    const report = sample();
    const expected = [
      '✓ clean.txt',
      PERSIAN_PATH,
      `  23:11   error    ${E1}  attribution/mismatch`,
      `  24:103  warning  ${W1}  byline/date-future`,
      '',
      'data/file.json#42',
      `  3:5  error    ${E2}  notice/missing`,
      '',
      'data/file.json#43',
      `  9:1  warning  ${W2}  attribution/unknown-source`,
      '',
      ODD_PATH,
      `  1:1  warning  ${W3}  notice/site`,
      '',
      '✖ 5 problems (2 errors, 3 warnings) — 5 documents checked, 1 passed',
    ];
    expect(format('stylish', report)).toBe(expected.map((l) => `${l}\n`).join(''));
    // The same bytes in pieces, a line each (W1's message has a line break of its own): a large report is never one string.
    expect([...reporterNamed('stylish')!.chunks(report, OPTIONS)]).toEqual(expected.map((l) => `${l}\n`));
  });
});

describe('compact', () => {
  it('prints one line per finding, located in the file, and nothing for clean documents', () => {
    expect(format('compact')).toBe(
      [
        `اخبار/خبر تازه.txt:23:11: error attribution/mismatch ${E1}`,
        'اخبار/خبر تازه.txt:24:103: warning byline/date-future تاریخ ۱۴۰۵/۰۱/۰۱ در آینده است سطر دوم\u0001',
        `data/file.json:3:5: error notice/missing ${E2}`,
        `data/file.json:9:1: warning attribution/unknown-source ${W2}`,
        `reports/odd, name: 100%.txt:1:1: warning notice/site ${W3}`,
        '',
      ].join('\n'),
    );
  });

  it('prints nothing at all for a clean run', () => {
    const documents = [{ path: 'clean.txt', findings: [] }];
    expect(format('compact', { tool: { name: 'manba', version: '1' }, documents, summary: summarize(documents) })).toBe('');
  });
});

describe('github', () => {
  it('prints one workflow command per finding, escaped by GitHub rules', () => {
    expect(format('github')).toBe(
      [
        `::error file=اخبار/خبر تازه.txt,line=23,col=11,endLine=23,endColumn=16,title=attribution/mismatch::پانویس «ایسنا» را نام می${ZWNJ}برد، اما خبر از «ایرنا» است: <منبع> & "نقل" 'قول' 100%25`,
        '::warning file=اخبار/خبر تازه.txt,line=24,col=103,endLine=24,endColumn=110,title=byline/date-future::تاریخ ۱۴۰۵/۰۱/۰۱ در آینده است%0Aسطر دوم\u0001',
        `::error file=data/file.json,line=3,col=5,endLine=3,endColumn=9,title=notice/missing::${E2}`,
        `::warning file=data/file.json,line=9,col=1,endLine=9,endColumn=5,title=attribution/unknown-source::${W2}`,
        '::warning file=reports/odd%2C name%3A 100%25.txt,line=1,col=1,endLine=1,endColumn=2,title=notice/site::نام سایت: «خبرآنلاین»، نه «تیترآنلاین», 50%25',
        '',
      ].join('\n'),
    );
  });

  it('escapes carriage returns', () => {
    const documents = [{ path: 'a.txt', findings: [finding('x/y', 'error', 'a\r\nb', [1, 1, 1, 1])] }];
    expect(format('github', { tool: { name: 'manba', version: '1' }, documents, summary: summarize(documents) })).toBe(
      '::error file=a.txt,line=1,col=1,endLine=1,endColumn=1,title=x/y::a%0D%0Ab\n',
    );
  });
});

describe('checkstyle', () => {
  it('writes Checkstyle XML, one <file> per file, clean files included', () => {
    expect(format('checkstyle')).toBe(
      '<?xml version="1.0" encoding="utf-8"?><checkstyle version="4.3">' +
        '<file name="clean.txt"></file>' +
        '<file name="اخبار/خبر تازه.txt">' +
        `<error line="23" column="11" severity="error" message="پانویس «ایسنا» را نام می${ZWNJ}برد، اما خبر از «ایرنا» است: &lt;منبع&gt; &amp; &quot;نقل&quot; &apos;قول&apos; 100%" source="manba.attribution/mismatch"/>` +
        '<error line="24" column="103" severity="warning" message="تاریخ ۱۴۰۵/۰۱/۰۱ در آینده است&#10;سطر دوم" source="manba.byline/date-future"/>' +
        '</file>' +
        '<file name="data/file.json">' +
        `<error line="3" column="5" severity="error" message="${E2}" source="manba.notice/missing"/>` +
        `<error line="9" column="1" severity="warning" message="${W2}" source="manba.attribution/unknown-source"/>` +
        '</file>' +
        `<file name="reports/odd, name: 100%.txt"><error line="1" column="1" severity="warning" message="${W3}" source="manba.notice/site"/></file>` +
        '</checkstyle>\n',
    );
  });
});

describe('junit', () => {
  const xml = format('junit');

  it('has a test case per document and a failure per error', () => {
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="manba" tests="5" failures="2" errors="0">\n')).toBe(true);
    expect(xml).toContain('<testsuite name="manba" tests="5" failures="2" errors="0">');
    expect(xml.match(/<testcase\b/g)).toHaveLength(5);
    expect(xml.match(/<failure\b/g)).toHaveLength(2);
    expect(xml.match(/<system-out>/g)).toHaveLength(3);
    expect(xml).toContain('<testcase classname="manba" name="clean.txt"/>');
    expect(xml).toContain('<testcase classname="manba" name="data/file.json#42">');
  });

  it('escapes XML and keeps Persian text as it is', () => {
    expect(xml).toContain(
      `<failure message="attribution/mismatch: پانویس «ایسنا» را نام می${ZWNJ}برد، اما خبر از «ایرنا» است: &lt;منبع&gt; &amp; &quot;نقل&quot; &apos;قول&apos; 100%" type="attribution/mismatch">` +
        `اخبار/خبر تازه.txt:23:11: attribution/mismatch پانویس «ایسنا» را نام می${ZWNJ}برد، اما خبر از «ایرنا» است: &lt;منبع&gt; &amp; &quot;نقل&quot; &apos;قول&apos; 100%\nexpected: ایرنا\nfound: ایسنا</failure>`,
    );
    expect(xml).toContain('<system-out>اخبار/خبر تازه.txt:24:103: warning byline/date-future تاریخ ۱۴۰۵/۰۱/۰۱ در آینده است\nسطر دوم</system-out>');
  });

  it('is well-formed as far as a tag balance can tell', () => {
    expect(xml).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/);
    expect(xml).not.toMatch(/&(?!(?:amp|lt|gt|quot|apos|#\d+);)/);
    const stack: string[] = [];
    for (const m of xml.replace(/^<\?xml[^>]*\?>/, '').matchAll(/<(\/?)([\w-]+)((?:\s+[\w-]+="[^"<]*")*)\s*(\/?)>/g)) {
      const [, close, name, , selfClosing] = m;
      if (selfClosing) continue;
      if (close) expect(stack.pop()).toBe(name);
      else stack.push(name!);
    }
    expect(stack).toEqual([]);
    // No stray '<' outside the tags matched above.
    expect(xml.replace(/^<\?xml[^>]*\?>/, '').replace(/<\/?[\w-]+(?:\s+[\w-]+="[^"<]*")*\s*\/?>/g, '')).not.toContain('<');
  });

  it('escapeXml drops what XML 1.0 cannot carry and keeps astral characters', () => {
    expect(escapeXml('a\u0000b\u0008c\u000Bd\uFFFEe\uD800f😀\t\n', false)).toBe('abcdef😀\t\n');
    expect(escapeXml(`<&>"'\t\n\r`, true)).toBe('&lt;&amp;&gt;&quot;&apos;&#9;&#10;&#13;');
  });
});

describe('jsonl', () => {
  it('writes one line per document with the json format\'s fields, then the summary', () => {
    const lines = format('jsonl').split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(6);
    const json = JSON.parse(format('json')) as { documents: unknown[]; summary: unknown; tool: unknown };
    expect(lines.slice(0, 5).map((l) => JSON.parse(l))).toEqual(json.documents);
    expect(JSON.parse(lines[5]!)).toEqual({ summary: { documents: 5, errors: 2, warnings: 3 }, tool: { name: 'manba', version: '9.8.7' } });
    expect(lines[5]).toBe('{"summary":{"documents":5,"errors":2,"warnings":3},"tool":{"name":"manba","version":"9.8.7"}}');
    expect(lines[1]).toContain(`"message":"${E1.replace(/"/g, '\\"')}"`);
    expect(lines[1]).toContain('"facts":{"attribution":{"source":"ایرنا","line":23,"column":11}}');
  });
});

/** The official SARIF 2.1.0 schema (draft-04), with formats checked: 'valid' or ajv's account of what is not. */
const validateSarif = (() => {
  const schema = JSON.parse(readFileSync(`${FIXTURES}schemas/sarif-schema-2.1.0.json`, 'utf8')) as object;
  // Both packages are CommonJS with `exports.default`: under NodeNext the default import is the whole module.
  const ajv = new AjvDraft04.default({ strict: false, allErrors: true });
  AjvFormats.default(ajv);
  const validate = ajv.compile(schema);
  return (log: unknown) => (validate(log) ? 'valid' : ajv.errorsText(validate.errors));
})();

describe('sarif', () => {
  const valid = validateSarif;

  interface Result {
    ruleId: string;
    ruleIndex: number;
    level: string;
    message: { text: string };
    locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string }; region: object }; logicalLocations?: object[] }[];
    partialFingerprints: Record<string, string>;
    properties?: object;
    suppressions?: object[];
  }
  interface Log {
    $schema: string;
    version: string;
    runs: { tool: { driver: { name: string; version: string; rules: { id: string; defaultConfiguration: { level: string } }[] } }; columnKind: string; results: Result[] }[];
  }

  const text = format('sarif');
  const log = JSON.parse(text) as Log;
  const run = log.runs[0]!;

  it('is valid against the SARIF 2.1.0 schema', () => {
    expect(valid(log)).toBe('valid');
    expect(log.$schema).toBe('https://json.schemastore.org/sarif-2.1.0.json');
    expect(log.version).toBe('2.1.0');
    expect(log.runs).toHaveLength(1);
    expect(run.columnKind).toBe('utf16CodeUnits');
    expect(run.tool.driver).toMatchObject({ name: 'manba', version: '9.8.7' });
  });

  it('the schema check has teeth: a raw Persian uri fails it', () => {
    const broken = structuredClone(log);
    broken.runs[0]!.results[0]!.locations[0]!.physicalLocation.artifactLocation.uri = PERSIAN_PATH;
    expect(valid(broken)).toMatch(/uri-reference/);
  });

  it('describes each rule that occurs once, sorted, and results point at them', () => {
    expect(run.tool.driver.rules).toEqual([
      { id: 'attribution/mismatch', shortDescription: { text: 'attribution/mismatch' }, defaultConfiguration: { level: 'error' } },
      { id: 'attribution/unknown-source', shortDescription: { text: 'attribution/unknown-source' }, defaultConfiguration: { level: 'warning' } },
      { id: 'byline/date-future', shortDescription: { text: 'byline/date-future' }, defaultConfiguration: { level: 'warning' } },
      { id: 'notice/missing', shortDescription: { text: 'notice/missing' }, defaultConfiguration: { level: 'error' } },
      { id: 'notice/site', shortDescription: { text: 'notice/site' }, defaultConfiguration: { level: 'warning' } },
    ]);
    expect(run.results.map((r) => [r.ruleId, r.ruleIndex, r.level])).toEqual([
      ['attribution/mismatch', 0, 'error'],
      ['byline/date-future', 2, 'warning'],
      ['notice/missing', 3, 'error'],
      ['attribution/unknown-source', 1, 'warning'],
      ['notice/site', 4, 'warning'],
    ]);
    for (const r of run.results) expect(run.tool.driver.rules[r.ruleIndex]!.id).toBe(r.ruleId);
  });

  it('locates results in files with percent-encoded relative uris, items as logical locations', () => {
    const [first, , item] = run.results;
    expect(first!.message.text).toBe(E1);
    expect(first!.locations[0]).toEqual({
      physicalLocation: {
        artifactLocation: { uri: '%D8%A7%D8%AE%D8%A8%D8%A7%D8%B1/%D8%AE%D8%A8%D8%B1%20%D8%AA%D8%A7%D8%B2%D9%87.txt', uriBaseId: '%SRCROOT%' },
        region: { startLine: 23, startColumn: 11, endLine: 23, endColumn: 16 },
      },
    });
    expect(decodeURIComponent(first!.locations[0]!.physicalLocation.artifactLocation.uri)).toBe(PERSIAN_PATH);
    expect(first!.properties).toEqual({ expected: 'ایرنا', found: 'ایسنا' });
    expect(item!.locations[0]).toEqual({
      physicalLocation: { artifactLocation: { uri: 'data/file.json', uriBaseId: '%SRCROOT%' }, region: { startLine: 3, startColumn: 5, endLine: 3, endColumn: 9 } },
      logicalLocations: [{ name: '42', fullyQualifiedName: 'data/file.json#42' }],
    });
    expect(item!.properties).toBeUndefined();
    expect(run.results[4]!.locations[0]!.physicalLocation.artifactLocation.uri).toBe('reports/odd%2C%20name%3A%20100%25.txt');
  });

  it('gives absolute paths file: uris without a base', () => {
    const documents = [
      { path: '/srv/اخبار/a?b.txt', findings: [finding('x/y', 'error', 'm', [1, 1, 1, 2])] },
      { path: './rel/a.txt', findings: [finding('x/y', 'error', 'm', [1, 1, 1, 2])] },
    ];
    const out = JSON.parse(format('sarif', { tool: { name: 'manba', version: '1' }, documents, summary: summarize(documents) })) as Log;
    expect(valid(out)).toBe('valid');
    expect(out.runs[0]!.results.map((r) => r.locations[0]!.physicalLocation.artifactLocation)).toEqual([
      { uri: 'file:///srv/%D8%A7%D8%AE%D8%A8%D8%A7%D8%B1/a%3Fb.txt' },
      { uri: 'rel/a.txt', uriBaseId: '%SRCROOT%' },
    ]);
  });

  it('has stable, distinct sha256 fingerprints that ignore position and language', () => {
    expect(format('sarif')).toBe(text);
    const prints = run.results.map((r) => r.partialFingerprints['manba/v1']!);
    for (const p of prints) expect(p).toMatch(/^[0-9a-f]{64}$/);
    expect(new Set(prints).size).toBe(prints.length);

    const moved = sample();
    const f = moved.documents[1]!.findings[0]!;
    moved.documents[1]!.findings[0] = { ...f, line: 40, column: 1, endLine: 40, endColumn: 6, message: 'translated' };
    const again = JSON.parse(format('sarif', moved)) as Log;
    expect(again.runs[0]!.results[0]!.partialFingerprints).toEqual(run.results[0]!.partialFingerprints);

    // The same finding twice in one document: two fingerprints.
    const twice = sample();
    twice.documents[2]!.findings.push({ ...twice.documents[2]!.findings[0]!, line: 7 });
    const dup = (JSON.parse(format('sarif', twice)) as Log).runs[0]!.results.filter((r) => r.ruleId === 'notice/missing');
    expect(dup).toHaveLength(2);
    expect(dup[0]!.partialFingerprints['manba/v1']).toBe(prints[2]);
    expect(dup[1]!.partialFingerprints['manba/v1']).not.toBe(prints[2]);
  });

  it('carries suppressions when a finding has them', () => {
    const documents: DocumentResult[] = [
      {
        path: 'a.txt',
        findings: [
          // A later Finding may carry suppressions; the reporter reads them without the type knowing.
          { ...finding('x/y', 'warning', 'm', [1, 1, 1, 2]), suppressions: [{ kind: 'inSource', justification: 'نقل از آرشیو' }, { kind: 'external', justification: '' }, { kind: 'bogus' }] } as Finding,
          finding('x/y', 'warning', 'n', [2, 1, 2, 2]),
        ],
      },
    ];
    const out = JSON.parse(format('sarif', { tool: { name: 'manba', version: '1' }, documents, summary: summarize(documents) })) as Log;
    expect(valid(out)).toBe('valid');
    expect(out.runs[0]!.results[0]!.suppressions).toEqual([{ kind: 'inSource', justification: 'نقل از آرشیو' }, { kind: 'external' }]);
    expect(out.runs[0]!.results[1]!.suppressions).toBeUndefined();
  });

  it('an empty run is valid too', () => {
    const out = JSON.parse(format('sarif', { tool: { name: 'manba', version: '1' }, documents: [], summary: summarize([]) })) as Log;
    expect(valid(out)).toBe('valid');
    expect(out.runs[0]!.results).toEqual([]);
    expect(out.runs[0]!.tool.driver.rules).toEqual([]);
  });

  it('the CLI writes valid SARIF for examples/', async () => {
    const r = await cli(['check', 'examples/', '--format', 'sarif']);
    expect(r.stderr).toBe('manba: 1 file not checked (ignored by .manbaignore)\n'); // examples/README.md
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as Log;
    expect(valid(out)).toBe('valid');
    const results = out.runs[0]!.results;
    const json = JSON.parse((await cli(['check', 'examples/', '--format', 'json'])).stdout) as { documents: { path: string; findings: { ruleId: string; line: number; column: number }[] }[] };
    // SARIF locates a finding in the file; an item's #id is not part of the artifact's uri.
    const expected = json.documents.flatMap((d) => d.findings.map((f) => `${d.path.split('#')[0]} ${f.ruleId} ${f.line}:${f.column}`));
    expect(expected.length).toBeGreaterThan(0);
    expect(results.map((res) => {
      const loc = res.locations[0]!.physicalLocation as { artifactLocation: { uri: string; uriBaseId?: string }; region: { startLine: number; startColumn: number } };
      expect(loc.artifactLocation.uriBaseId).toBe('%SRCROOT%');
      return `${decodeURIComponent(loc.artifactLocation.uri)} ${res.ruleId} ${loc.region.startLine}:${loc.region.startColumn}`;
    })).toEqual(expected);
    for (const res of results) expect(out.runs[0]!.tool.driver.rules[res.ruleIndex]!.id).toBe(res.ruleId);
    expect(out.runs[0]!.tool.driver.version).toBe((JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version);
  });
});

describe('findings suppressed in their documents', () => {
  const documents: DocumentResult[] = [
    {
      path: 'a.txt',
      findings: [
        { ...finding('notice/altered', 'error', 'hidden', [2, 1, 2, 3]), suppressions: [{ kind: 'inSource', justification: 'نقل قول از پیش\u200cنویس' }] },
        finding('notice/site', 'warning', 'shown', [3, 1, 3, 2]),
      ],
    },
    { path: 'b.txt', findings: [{ ...finding('notice/missing', 'error', 'hidden too', [1, 1, 1, 1]), suppressions: [{ kind: 'inSource', justification: 'r' }] }] },
  ];
  const report = { tool: { name: 'manba', version: '1' }, documents, summary: summarize(documents) };

  it('are left out of compact, github, checkstyle and junit', () => {
    expect(format('compact', report)).toBe('a.txt:3:1: warning notice/site shown\n');
    expect(format('github', report)).toBe('::warning file=a.txt,line=3,col=1,endLine=3,endColumn=2,title=notice/site::shown\n');
    expect(format('checkstyle', report)).toBe(
      '<?xml version="1.0" encoding="utf-8"?><checkstyle version="4.3"><file name="a.txt"><error line="3" column="1" severity="warning" message="shown" source="manba.notice/site"/></file><file name="b.txt"></file></checkstyle>\n',
    );
    const junit = format('junit', report);
    expect(junit).toContain('<testsuites name="manba" tests="2" failures="0" errors="0">');
    expect(junit).not.toContain('<failure');
    expect(junit).not.toContain('hidden');
    expect(junit).toContain('<testcase classname="manba" name="b.txt"/>');
  });

  it('stay in jsonl, marked as json marks them', () => {
    const lines = format('jsonl', report).trimEnd().split('\n');
    expect(lines.slice(0, 2).map((l) => JSON.parse(l))).toEqual((JSON.parse(format('json', report)) as { documents: unknown[] }).documents);
    expect(lines[0]).toContain('"suppressed":{"reason":"نقل قول از پیش\u200cنویس"}');
    expect(JSON.parse(lines[2]!)).toMatchObject({ summary: { documents: 2, errors: 0, warnings: 1 } });
  });

  it('a directive in a document becomes a SARIF inSource suppression', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'manba-formats-'));
    const lines = reference().replace('ماده ۷۴', 'ماده ۷۵').split('\n');
    lines.splice(23, 0, '<!-- manba-disable-next-line notice/altered -- این صفحه از پیش\u200cنویس ۱۳۹۹ نقل می\u200cکند -->');
    writeFileSync(join(dir, 'خبر ۱.txt'), lines.join('\n'));
    const r = await cli(['check', 'خبر ۱.txt', '--format', 'sarif'], { cwd: dir });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { runs: { results: { ruleId: string; suppressions?: unknown; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[] };
    expect(validateSarif(out)).toBe('valid');
    expect(out.runs[0]!.results).toEqual([
      expect.objectContaining({
        ruleId: 'notice/altered',
        suppressions: [{ kind: 'inSource', justification: 'این صفحه از پیش\u200cنویس ۱۳۹۹ نقل می\u200cکند' }],
      }),
    ]);
    expect(out.runs[0]!.results[0]!.locations[0]!.physicalLocation.artifactLocation.uri).toBe(encodeURIComponent('خبر ۱.txt'));
    expect((await cli(['check', 'خبر ۱.txt', '--format', 'compact'], { cwd: dir })).stdout).toBe('');
  });
});

describe('every format through the CLI', () => {
  it.each(['compact', 'jsonl', 'junit', 'github', 'checkstyle'])('%s runs over examples/', async (name) => {
    const r = await cli(['check', 'examples/', '--format', name]);
    expect(r.stderr).toBe('manba: 1 file not checked (ignored by .manbaignore)\n');
    expect(r.code).toBe(1);
    expect(r.stdout.length).toBeGreaterThan(0);
    // One test case / one line per document (plus jsonl's summary line), however many examples there are.
    const documents = (JSON.parse((await cli(['check', 'examples/', '--format', 'json'])).stdout) as { documents: unknown[] }).documents.length;
    if (name === 'junit') expect(r.stdout.match(/<testcase\b/g)).toHaveLength(documents);
    if (name === 'jsonl') expect(r.stdout.trimEnd().split('\n')).toHaveLength(documents + 1);
  });
});

describe('the facts of a document in the JSON report', () => {
  // The JSON report is a public interface: the facts' fields, and their order, are pinned here.
  const factsOf = async (text: string) => {
    const { builtinEngine } = await import('./helpers.js');
    const { readPlainText } = await import('../src/documents/readers/text.js');
    const { documentJson } = await import('../src/report/json.js');
    return JSON.stringify(documentJson((await builtinEngine()).check(readPlainText('a.txt', text))).facts);
  };

  it('gives the attribution, the declared origins and the byline date with its time, in that order', async () => {
    const at = positionOf(reference(), 'ایرنا" است');
    expect(await factsOf(reference())).toBe(
      `{"attribution":{"source":"ایرنا","outlet":"irna","line":${at.line},"column":${at.column},"site":"تیترآنلاین"},` +
        '"declared":[{"name":"ایرنا","where":"byline","outlet":"irna","line":3,"column":1},{"name":"ایرنا","where":"dateline","outlet":"irna","line":4,"column":7}],' +
        '"bylineDate":{"jalali":"1399/04/18","time":"17:40","valid":true,"iso":"2020-07-08","isoDateTime":"2020-07-08T17:40:00+04:30"}}',
    );
  });

  it('leaves out what a document does not have: the byline time, an unknown outlet, origins', async () => {
    // Without its time the byline is no byline (its date is still read from the first lines), so it declares nothing.
    const text = reference().replace(' - 17:40', '').replace('منبع خبر "ایرنا"', 'منبع خبر "روزنامه نامعلوم"');
    const at = positionOf(text, 'روزنامه نامعلوم');
    expect(await factsOf(text)).toBe(
      `{"attribution":{"source":"روزنامه نامعلوم","line":${at.line},"column":${at.column},"site":"تیترآنلاین"},` +
        '"bylineDate":{"jalali":"1399/04/18","valid":true,"iso":"2020-07-08"}}',
    );
  });
});
