#!/usr/bin/env node
// How V8 manages the heap of a long run (see src/engine/heap.ts): the young generation starts small and grows only
// where a run checks documents in this thread, and the old generation grows little past what is live. Set before
// the CLI loads, as loading it already grew the young generation.
// heap.js is small (node:v8 and node:vm only).
const { oldGenerationGrowsSlowly, youngGenerationMayGrow } = await import('../dist/engine/heap.js');
youngGenerationMayGrow(false);
oldGenerationGrowsSlowly();
await import('../dist/cli/main.js');
