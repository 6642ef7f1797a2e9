// Run by `npm run build`: the built-in YAML files (rules/*.yaml, rules/sources.yaml) as parsed data with the
// position of every value and key, so a check run does not parse them again (src/rules/builtin-snapshot.ts).
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { parseYamlText } from '../dist/rules/yaml-file.js';
import { SNAPSHOT_FILE } from '../dist/rules/builtin-snapshot.js';

const dir = new URL('../rules/', import.meta.url);
const out = {};
for (const name of readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort()) {
  const file = new URL(name, dir).pathname;
  const text = readFileSync(file, 'utf8');
  const { parsed, problems } = parseYamlText(file, text);
  if (!parsed) throw new Error(`${file}: ${problems.map((p) => `${p.line}:${p.column} ${p.message}`).join('; ')}`);
  const spots = {};
  const walk = (value, path) => {
    const at = parsed.spot(path);
    spots[JSON.stringify(path)] = [at.line, at.column];
    if (Array.isArray(value)) value.forEach((v, i) => walk(v, [...path, i]));
    else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        const key = parsed.spot([...path, k], true);
        spots[JSON.stringify([...path, k]) + '#key'] = [key.line, key.column];
        walk(v, [...path, k]);
      }
    }
  };
  walk(parsed.data, []);
  out[name] = { sha256: createHash('sha256').update(text).digest('hex'), json: JSON.stringify(parsed.data), spots };
}
writeFileSync(SNAPSHOT_FILE, JSON.stringify(out));
console.log(`wrote ${SNAPSHOT_FILE.split('/').slice(-2).join('/')}: ${Object.keys(out).join(', ')}`);
