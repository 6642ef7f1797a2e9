import { describe, expect, it } from 'vitest';
import { batchSize } from '../src/engine/pool.js';

describe('files to a worker task', () => {
  it('is 64 in an archive, where each task costs the main thread as much as a document does', () => {
    expect(batchSize(20_000, 2)).toBe(64);
    expect(batchSize(512, 2)).toBe(64);
  });

  it('is smaller in a small run, so that every worker gets at least four tasks', () => {
    expect(batchSize(64, 2)).toBe(8);
    expect(batchSize(100, 4)).toBe(7);
    expect(batchSize(511, 2)).toBe(64);
    expect(batchSize(3, 8)).toBe(1);
    expect(batchSize(0, 2)).toBe(1);
  });
});
