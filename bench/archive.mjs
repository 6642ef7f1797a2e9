// Realistic generated articles for the bench, each with its label: which error manba must report, or none.
// Built from the reference article (tests/fixtures/PROVENANCE.md): title, byline, dateline and lead, a random
// run of its body paragraphs (1.5–7.5 KB of UTF-8, 4.6 KB on average), its footer; half get script noise (Arabic «ي/ك», CRLF, ZWNJ
// for some spaces), about a quarter a real fault. Deterministic: every run generates the same articles.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const reference = readFileSync(new URL('../tests/fixtures/corpus/titronline-irna-1399-04-18.txt', import.meta.url), 'utf8');
const chunks = reference.slice(0, reference.indexOf('منبع خبر')).split('\n\n').filter(Boolean);
const head = chunks.slice(0, 2).join('\n\n');
const bodyParagraphs = chunks.slice(2);
const footer = reference.slice(reference.indexOf('منبع خبر'));

/** Each fault with the one error rule it must give. Noise can leave a fault's words absent: then it is clean. */
const FAULTS = [
  { rule: 'notice/altered', apply: (t) => t.replace('ماده ۷۴', 'ماده ۷۵') },
  { rule: 'attribution/missing', apply: (t) => t.replace(/منبع خبر "ایرنا"[^\n]*\n/, '') },
  { rule: 'notice/altered', apply: (t) => t.replace('بر عهده منبع خبر و کاربران است', 'بر عهده کاربران است') },
  { rule: 'attribution/mismatch', apply: (t) => t.replace('منبع خبر "ایرنا"', 'منبع خبر "ایسنا"') },
];

export function* articles(count, seed = 42) {
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const NOISE = [(t) => t.replace(/ی/g, 'ي').replace(/ک/g, 'ك'), (t) => t.replace(/\n/g, '\r\n'), (t) => t.replace(/ /g, (s) => (rand() < 0.05 ? '\u200c' : s))];
  const fixed = Buffer.byteLength(head + footer);
  for (let i = 0; i < count; i++) {
    const target = 1500 + rand() * 6000;
    let body = '';
    // Sizes are in bytes of UTF-8, as on disk (a Persian letter takes two).
    while (fixed + Buffer.byteLength(body) < target) body += bodyParagraphs[Math.floor(rand() * bodyParagraphs.length)] + '\n\n';
    let text = `${head}\n\n${body}${footer}`;
    if (rand() < 0.5) text = NOISE[Math.floor(rand() * NOISE.length)](text);
    let expected = null;
    if (rand() < 0.25) {
      const fault = FAULTS[Math.floor(rand() * FAULTS.length)];
      const faulty = fault.apply(text);
      if (faulty !== text) [text, expected] = [faulty, fault.rule];
    }
    // As read from disk: a flat string (concatenation leaves V8 cons strings).
    yield { text: Buffer.from(text).toString('utf8'), expected };
  }
}

/**
 * Write `count` articles as plain-text files, 1,000 a folder (archive/f000/a000000.txt …). Returns the labels by
 * path as manba reports it (relative to `dir`), the folders, and the bytes written.
 */
export function writeArchive(dir, count, perFolder = 1000) {
  const labels = new Map();
  const folders = [];
  let bytes = 0;
  let i = 0;
  for (const { text, expected } of articles(count)) {
    const folder = `f${String(Math.floor(i / perFolder)).padStart(3, '0')}`;
    if (i % perFolder === 0) {
      mkdirSync(join(dir, folder), { recursive: true });
      folders.push(join(dir, folder));
    }
    const name = `${folder}/a${String(i).padStart(6, '0')}.txt`;
    const data = Buffer.from(text);
    writeFileSync(join(dir, name), data);
    bytes += data.length;
    labels.set(name, expected);
    i++;
  }
  return { labels, folders, bytes };
}
