// `npm run demo`: check examples/ with the built-in rules. examples/ holds failing documents on purpose, so
// exit code 1 (findings) is the expected outcome here and is reported as success; 2 (a usage, config or
// rule-file error) still fails.
import { spawnSync } from 'node:child_process';

const run = spawnSync(process.execPath, ['bin/manba.js', 'check', 'examples/'], { stdio: 'inherit' });
const code = run.status ?? 2;
if (code === 1) console.log('\n(exit code 1: examples/ holds failing documents on purpose; examples/README.md lists what each should report)');
process.exit(code === 1 ? 0 : code);
