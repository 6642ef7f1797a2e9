#!/usr/bin/env node
// The young generation starts small and grows only where a run checks documents in this thread: see
// src/engine/heap.ts. Set before the CLI loads, as loading it already grew the young generation.
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--semi-space-growth-factor=1');
await import('../dist/cli/main.js');
