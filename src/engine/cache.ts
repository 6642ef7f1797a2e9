/**
 * The result cache (`--cache`): a document whose bytes, rule set, registry, settings and manba version are
 * unchanged since the last run is not checked again. The key of the rule set is a hash of everything that
 * decides results, so editing a rule file invalidates every entry. A corrupt or foreign cache file gives a
 * warning and a full check, never a wrong pass.
 */
import { hash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import type { DocumentResult } from './finding.js';

const CACHE_VERSION = 1;

interface CacheFile {
  version: number;
  key: string;
  entries: Record<string, { sha256: string; result: DocumentResult }>;
}

export class ResultCache {
  private entries: CacheFile['entries'] = {};
  private dirty = false;
  warning?: string;
  hits = 0;

  constructor(
    readonly file: string,
    /** Hash of the manba version, rule files, registry files and settings. */
    readonly key: string,
  ) {
    let data: Partial<CacheFile>;
    try {
      data = JSON.parse(readFileSync(file, 'utf8')) as Partial<CacheFile>;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.warning = `cache ${file} is not readable (${(err as Error).message}); checking everything`;
      return;
    }
    if (data.version !== CACHE_VERSION || typeof data.entries !== 'object' || data.entries === null) {
      this.warning = `cache ${file} is from another version of manba or corrupt; checking everything`;
      return;
    }
    if (data.key !== key) return; // rules, registry, settings or manba changed: every entry is stale
    this.entries = data.entries;
  }

  get(path: string, sha256: string): DocumentResult | undefined {
    const e = this.entries[path];
    if (e && e.sha256 === sha256) {
      this.hits++;
      return e.result;
    }
    return undefined;
  }

  set(path: string, sha256: string, result: DocumentResult): void {
    const { findings, facts } = result;
    this.entries[path] = { sha256, result: { path: result.path, findings, ...(facts ? { facts } : {}) } };
    this.dirty = true;
  }

  async save(): Promise<void> {
    if (!this.dirty) return;
    const tmp = `${this.file}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify({ version: CACHE_VERSION, key: this.key, entries: this.entries } satisfies CacheFile));
    await rename(tmp, this.file);
  }
}

export function sha256(data: Uint8Array | string): string {
  // One call into OpenSSL per document: a Hash object per document cost more than the hashing itself.
  return hash('sha256', data, 'hex');
}
