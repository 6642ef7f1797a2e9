// The floor for JavaScript: the least work any Node checker of the notice must do. Read each file, fold Arabic
// yeh/kaf and the three digit scripts, and look for the notice's first words with `includes`. No map back to the
// original, no rules, no report: what manba's wall time is measured against (bench/bench.mjs).
// Usage: node bench/floor.mjs <folder>... ; prints "<files> <with the notice> <without>".
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const NOTICE = 'با استناد به ماده 74 قانون تجارت الکترونیک';

// One table for every UTF-16 unit: Arabic yeh/alef maksura → Persian yeh, Arabic kaf → Persian kaf, Persian and
// Arabic-Indic digits → ASCII; everything else stays.
const table = new Uint16Array(0x10000);
for (let c = 0; c < table.length; c++) table[c] = c;
table[0x064a] = table[0x0649] = 0x06cc;
table[0x0643] = 0x06a9;
for (let d = 0; d < 10; d++) table[0x06f0 + d] = table[0x0660 + d] = 0x30 + d;

let units = new Uint16Array(1 << 16);
function fold(text) {
  if (units.length < text.length) units = new Uint16Array(text.length * 2);
  for (let i = 0; i < text.length; i++) units[i] = table[text.charCodeAt(i)];
  return Buffer.from(units.buffer, 0, text.length * 2).toString('utf16le');
}

function* files(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const path = join(dir, e.name);
    if (e.isDirectory()) yield* files(path);
    else if (e.isFile() && e.name.endsWith('.txt')) yield path;
  }
}

let count = 0;
let found = 0;
for (const dir of process.argv.slice(2)) {
  for (const path of files(dir)) {
    count++;
    if (fold(readFileSync(path, 'utf8')).includes(NOTICE)) found++;
  }
}
console.log(`${count} ${found} ${count - found}`);
