/**
 * The built-in YAML files (rules and the outlet registry) as parsed data with their positions, written at build
 * time to dist/builtin-snapshot.json (scripts/snapshot-builtins.mjs). Parsing them with the YAML library took a
 * third of every run's start, in the main thread and again in each worker. An entry is used only when the file's
 * text has the recorded SHA-256, so an edited file is always parsed afresh; without the snapshot (running from the
 * sources before a build) everything is parsed as before.
 */
import { hash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What the snapshot records of one file: its digest, its data as JSON, and the position of every value and key. */
export interface SnapshotEntry {
  sha256: string;
  json: string;
  /** `JSON.stringify(path)` → [line, column] of the value; keys of mappings under `JSON.stringify(path) + '#key'`. */
  spots: Record<string, [number, number]>;
}

export const SNAPSHOT_FILE = fileURLToPath(new URL('../../dist/builtin-snapshot.json', import.meta.url));
const RULES_DIR = fileURLToPath(new URL('../../rules/', import.meta.url));

let snapshot: Record<string, SnapshotEntry> | null | undefined;

/** The snapshot entry of a built-in file with exactly this text, if there is one. */
export function snapshotOf(file: string, text: string): SnapshotEntry | undefined {
  if (`${dirname(file)}/` !== RULES_DIR) return undefined;
  if (snapshot === undefined) {
    try {
      snapshot = JSON.parse(readFileSync(SNAPSHOT_FILE, 'utf8')) as Record<string, SnapshotEntry>;
    } catch {
      snapshot = null;
    }
  }
  const entry = snapshot?.[basename(file)];
  return entry && entry.sha256 === hash('sha256', text, 'hex') ? entry : undefined;
}
