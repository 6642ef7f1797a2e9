/**
 * Flat memory over a long run without asking the user for a heap cap. V8 sizes its heap for the machine: on a
 * large one, results and texts that lived a little while (queued for a worker, waiting for their turn in the
 * report) are promoted to the old generation and then pile up there as garbage, a hundred MB and more, before the
 * first full collection. The CLI therefore tells V8 to let the old generation grow only a little past what the last
 * full collection found live (V8's own full collections, started by V8's own schedule), and keeps the young
 * generation of a thread that only hands out work small.
 *
 * Forcing full collections from JavaScript (`gc()` every so many documents, what manba did before) kept memory as
 * flat, but a forced collection throws away the optimized code of every hot function ("weak objects"): each one
 * cost the next second of the run in unoptimized code and recompilation, about a fifth of the CPU time of a run.
 */
import { setFlagsFromString } from 'node:v8';

/**
 * How far past what was live after the last full collection the old generation may grow before the next one (V8's
 * --heap-growing-percent; V8 still allows at least a few MB). With V8's default, chosen for the machine's memory, a
 * --jobs 2 run over 100,000 files peaked near 200 MiB; with 10 at about 145 MiB, and faster than with forced
 * collections.
 */
export const OLD_GENERATION_GROWTH_PERCENT = 10;

/**
 * Set V8's old-generation growth for the whole process. V8 reads the flag at each full collection, so it can be set
 * at run time; starting a worker thread resets V8's flags, so each worker sets it again.
 */
export function oldGenerationGrowsSlowly(): void {
  setHeapFlag('heap-growing-percent', `--heap-growing-percent=${OLD_GENERATION_GROWTH_PERCENT}`);
}

/** The heap flags this process set at run time, by name: what a new thread must set again (see heapFlagsSet). */
const setHere = new Map<string, string>();

function setHeapFlag(name: string, flag: string): void {
  setFlagsFromString(flag);
  setHere.set(name, flag);
}

/**
 * The heap flags set at run time in this process so far. Every thread manba starts (the workers of `--jobs`, the
 * read-ahead's thread) sets these again when it starts, and nothing else: under the CLI, the CLI's flags; in a
 * program using manba as a library, none of manba's choosing, so that program keeps V8's defaults unless it set
 * them itself.
 */
export function heapFlagsSet(): string[] {
  return [...setHere.values()];
}

/** Set again, in a thread just started, the flags heapFlagsSet gave. */
export function setHeapFlags(flags: readonly string[]): void {
  for (const f of flags) setFlagsFromString(f);
}

/**
 * Whether this thread's young generation may grow. The CLI starts with growth off (bin/manba.js): with workers
 * checking, the main thread only lists files, hands out paths and writes results, yet V8 kept doubling its young
 * generation up to 32 MB while results waited their turn, a third of a run's memory. V8 reads the flag each
 * time it would grow the young generation, so it can be turned back on: a run checking in this thread does, as
 * there the larger young generation is about 10% faster.
 */
export function youngGenerationMayGrow(grow: boolean): void {
  setHeapFlag('semi-space-growth-factor', `--semi-space-growth-factor=${grow ? 2 : 1}`);
}
