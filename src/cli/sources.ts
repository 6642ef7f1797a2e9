/** `manba sources list | show`: what the checker believes about each outlet, for legal staff. */
import { resolve } from 'node:path';
import { buildRuleSet, findConfig, loadConfig, type Config } from '../config/load.js';
import type { Outlet, Registry } from '../sources/registry.js';
import { EXIT, UsageError, type CliIO } from './io.js';

async function registryFor(opts: { config?: string }, io: CliIO): Promise<Registry> {
  const file = opts.config ? resolve(io.cwd, opts.config) : findConfig(io.cwd);
  const config: Config = file ? await loadConfig(file) : { extends: [], builtins: true, rules: {} };
  return (await buildRuleSet(config)).registry;
}

/** An outlet as reports show it: without the position of its definition. */
function plain(o: Outlet): Omit<Outlet, 'spot'> & { definedAt: string } {
  const { spot, ...rest } = o;
  return { ...rest, definedAt: `${spot.file}:${spot.line}:${spot.column}` };
}

export async function sourcesListCommand(opts: { config?: string; format?: string }, io: CliIO): Promise<number> {
  const registry = await registryFor(opts, io);
  if (opts.format === 'json') {
    io.stdout(JSON.stringify(registry.outlets.map(plain), null, 2) + '\n');
    return EXIT.clean;
  }
  if (opts.format && opts.format !== 'table') throw new UsageError(`unknown format "${opts.format}"; known: table, json`);
  const rows = registry.outlets.map((o) => [o.id, o.kind, o.terms.republication, o.terms.linkRequired, o.name.fa, o.domains.join(' ')]);
  const head = ['id', 'kind', 'republication', 'link required', 'name', 'domains'];
  const widths = head.map((h, k) => Math.max(h.length, ...rows.map((r) => r[k]!.length)));
  const line = (r: string[]) => r.map((c, k) => (k === r.length - 1 ? c : c.padEnd(widths[k]!))).join('  ');
  io.stdout([line(head), ...rows.map(line)].join('\n') + `\n${rows.length} outlets\n`);
  return EXIT.clean;
}

export async function sourcesShowCommand(name: string, opts: { config?: string; format?: string }, io: CliIO): Promise<number> {
  const registry = await registryFor(opts, io);
  const outlet = registry.byId(name) ?? registry.resolve(name);
  if (!outlet) {
    const near = registry.closest(name, 3).map((o) => `${o.id} (${o.name.fa})`);
    throw new UsageError(`no outlet named «${name}» in the registry${near.length ? `; did you mean ${near.join(', ')}?` : ''}`);
  }
  if (opts.format === 'json') {
    io.stdout(JSON.stringify(plain(outlet), null, 2) + '\n');
    return EXIT.clean;
  }
  const t = outlet.terms;
  io.stdout(
    [
      `${outlet.id}: ${outlet.name.fa} / ${outlet.name.en}  (${outlet.kind})`,
      `  written as: ${outlet.aliases.join('، ')}`,
      `  domains:    ${outlet.domains.join(', ') || '—'}`,
      `  terms:      attribution required: ${t.attributionRequired}; link to the original required: ${t.linkRequired}; republication: ${t.republication}`,
      `  notes:      ${t.notes}${t.sourceUrl ? ` (${t.sourceUrl})` : ''}`,
      `  defined at: ${outlet.spot.file}:${outlet.spot.line}:${outlet.spot.column}`,
      '',
    ].join('\n'),
  );
  return EXIT.clean;
}
