/**
 * Flat memory over a long run without asking the user for a heap cap. V8 sizes its heap for the machine: on a
 * large one, results and texts that lived a little while (queued for a worker, waiting for their turn in the
 * report) are promoted to the old generation and then pile up there as garbage, a hundred MB and more, before the
 * first full collection. Every so many documents this looks at the heap, and when it has grown past a limit it
 * asks for a full collection; the limit follows what is really live, so a run whose live data is large does not
 * collect over and over.
 */
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

const MB = 1048576;

/** How often a thread looks at its heap (every so many documents), and how much over what is live it allows. */
export interface HeapPolicy {
  every: number;
  headroom: number;
}

/**
 * A thread that checks documents. A forced collection is a full, synchronous one: looking every 128 documents with
 * 6 MB of headroom, the workers of a --jobs 2 run collected after nearly every look and spent about a fifth of their
 * time on it (20,000 files: 9.1 s against 7.0 s, at the same peak RSS; --jobs 1: 9.2 s against 8.2 s).
 */
export const CHECKING: HeapPolicy = { every: 1024, headroom: 8 * MB };

/**
 * The main thread while workers check: it allocates little, and a collection there costs the workers nothing, so it
 * keeps its heap tight.
 */
export const COORDINATING: HeapPolicy = { every: 128, headroom: 4 * MB };

let collect: (() => void) | undefined | null;

/** V8's `gc`, without --expose-gc on the command line: the flag set at run time applies to new contexts. */
function collector(): (() => void) | undefined {
  if (collect === undefined) {
    try {
      setFlagsFromString('--expose-gc');
      collect = runInNewContext('gc') as () => void;
    } catch {
      collect = null;
    }
  }
  return collect ?? undefined;
}

/**
 * Bytes in use outside the young generation: what only a full collection frees. The young generation is collected
 * often anyway and counting it would trigger full collections for nothing.
 */
function oldGeneration(): number {
  let used = 0;
  for (const space of getHeapSpaceStatistics()) if (space.space_name !== 'new_space' && space.space_name !== 'new_large_object_space') used += space.space_used_size;
  return used;
}

/**
 * Collect now: after listing a large archive, whose garbage (folder entries, paths being built) would otherwise
 * still be there when the workers start and allocate their own heaps, making that moment the run's peak.
 */
export function collectGarbage(): void {
  collector()?.();
}

/** A function to call once per document; now and then it collects garbage if the heap has grown. */
export function heapKeeper(policy: HeapPolicy = CHECKING): () => void {
  const gc = collector();
  let count = 0;
  let limit = 2 * policy.headroom;
  return () => {
    if (!gc || ++count % policy.every) return;
    if (oldGeneration() < limit) return;
    gc();
    // Headroom over what is live, not a multiple of it: a run listing 100,000 paths has more live data than one
    // listing 1,000, not more garbage to allow for.
    limit = oldGeneration() + policy.headroom;
  };
}

/**
 * Whether this thread's young generation may grow. The CLI starts with growth off (bin/manba.js): with workers
 * checking, the main thread only lists files, hands out paths and writes results, yet V8 kept doubling its young
 * generation up to 32 MB while results waited their turn, a third of a run's memory. V8 reads the flag each
 * time it would grow the young generation, so it can be turned back on: a run checking in this thread does, as
 * there the larger young generation is about 10% faster.
 */
export function youngGenerationMayGrow(grow: boolean): void {
  setFlagsFromString(`--semi-space-growth-factor=${grow ? 2 : 1}`);
}
