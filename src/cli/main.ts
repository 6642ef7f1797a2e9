#!/usr/bin/env node
import { readAllStdin, stdinLines } from './io.js';
import { runCli } from './program.js';

// A reader that stops early (`manba check … | head`) is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

const code = await runCli(process.argv.slice(2), {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  cwd: process.cwd(),
  readStdin: readAllStdin,
  isTTY: Boolean(process.stdout.isTTY),
  stderrIsTTY: Boolean(process.stderr.isTTY),
  readStdinLines: stdinLines,
  env: process.env,
});
process.exitCode = code;
