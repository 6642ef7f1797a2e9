// CPU time of a running process and of its main thread, from Linux's /proc: what bench.mjs and compare.mjs read.
import { readFileSync } from 'node:fs';

const TICKS = 100; // USER_HZ: /proc's unit of CPU time on Linux

/** CPU seconds from a /proc stat file (utime + stime); undefined where there is no /proc or the process is gone. */
function cpuOf(file) {
  try {
    const stat = readFileSync(file, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS;
  } catch {
    return undefined;
  }
}

/**
 * Watch a child process every 10 ms: `read()` gives the CPU seconds of the whole process and of its main thread (the
 * thread that checks, in `manba check --jobs 1`) as last seen before it ended. `wrapped`: the child is a wrapper such
 * as /usr/bin/time, and the process to watch is its own child.
 */
export function watchCpu(child, { wrapped = false } = {}) {
  let pid = wrapped ? undefined : child.pid;
  let cpu;
  let main;
  const timer = setInterval(() => {
    if (pid === undefined) {
      try {
        pid = Number(readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim().split(' ')[0]) || undefined;
      } catch {
        return;
      }
      if (pid === undefined) return;
    }
    cpu = cpuOf(`/proc/${pid}/stat`) ?? cpu;
    main = cpuOf(`/proc/${pid}/task/${pid}/stat`) ?? main;
  }, 10);
  return {
    read: () => {
      clearInterval(timer);
      return { cpu, main };
    },
  };
}
