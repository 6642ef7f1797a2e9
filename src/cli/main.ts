#!/usr/bin/env node
import { readAllStdin } from './io.js';
import { runCli } from './program.js';

const code = await runCli(process.argv.slice(2), {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  cwd: process.cwd(),
  readStdin: readAllStdin,
  isTTY: Boolean(process.stdout.isTTY),
  env: process.env,
});
process.exitCode = code;
