/**
 * How many CPUs this process may use, which is what `--jobs` starts by default (up to DEFAULT_JOBS_MAX). Node's
 * `os.availableParallelism()` counts the CPUs the process may run on (its affinity mask, which `taskset` or a Slurm
 * task narrows), but Node 20's libuv does not read a container's CPU quota: a pod limited to 2 CPUs on a 64-core
 * node got 64 workers, each throttled, with 64 isolates' memory. So the quota of the process's cgroup (v2
 * `cpu.max`, v1 `cpu.cfs_quota_us` over `cpu.cfs_period_us`), and of every cgroup above it, caps the count, rounded
 * up, as Go's runtime does.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { posix } from 'node:path';

let usable: number | undefined;

/**
 * The most worker threads `--jobs` starts by default. One process has one main thread, which takes every result back
 * and writes the report: about 23 µs of CPU a document with a JSON report (41 µs with HTML) against about 163 µs for
 * a worker to read and check one (docs/performance.md, One process on many CPUs). Past about seven workers it is the
 * limit, and more would only add isolates to warm up and their memory. A larger machine is used by more processes
 * (`--shard`), or `--jobs` asks for more.
 */
export const DEFAULT_JOBS_MAX = 8;

/** The default of `--jobs`: the CPUs this process may use, at most DEFAULT_JOBS_MAX. */
export function defaultJobs(cpus: number = usableCpus()): number {
  return Math.min(cpus, DEFAULT_JOBS_MAX);
}

/** The CPUs this process may use, at least 1; read once. */
export function usableCpus(): number {
  if (usable === undefined) {
    const quota = process.platform === 'linux' ? cgroupCpuLimit(readText) : undefined;
    usable = Math.max(1, Math.min(availableParallelism(), quota === undefined ? Infinity : Math.ceil(quota)));
  }
  return usable;
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

export interface CgroupMount {
  /** The folder of the hierarchy mounted (a container may see only its own cgroup, mounted at this root). */
  root: string;
  point: string;
  type: string;
  /** Superblock options: for cgroup v1, the controllers of the hierarchy. */
  options: string[];
}

/**
 * The least CPU quota, in CPUs (fractions kept), of this process's cgroup and the cgroups above it; undefined when
 * none sets one or the files are not there. `read` gives a file's text, or undefined: the real files, or a test's.
 */
export function cgroupCpuLimit(read: (path: string) => string | undefined): number | undefined {
  const membership = read('/proc/self/cgroup');
  const mountinfo = read('/proc/self/mountinfo');
  if (!membership || !mountinfo) return undefined;
  const mounts = cgroupMounts(mountinfo);
  const groups = membership.split('\n').flatMap((line) => {
    const m = /^(\d+):([^:]*):(.+)$/.exec(line);
    return m ? [{ hierarchy: m[1]!, controllers: m[2]!.split(','), path: m[3]! }] : [];
  });
  // cgroup v1: the hierarchy that holds the cpu controller, when there is one; otherwise the unified (v2) one.
  const v1 = groups.find((g) => g.controllers.includes('cpu'));
  if (v1) {
    const mount = mounts.find((m) => m.type === 'cgroup' && m.options.includes('cpu'));
    return mount ? leastAlong(mount, v1.path, (dir) => ratio(read(`${dir}/cpu.cfs_quota_us`), read(`${dir}/cpu.cfs_period_us`))) : undefined;
  }
  const v2 = groups.find((g) => g.hierarchy === '0' && g.controllers.join('') === '');
  const mount = mounts.find((m) => m.type === 'cgroup2');
  if (!v2 || !mount) return undefined;
  return leastAlong(mount, v2.path, (dir) => {
    const [quota, period] = (read(`${dir}/cpu.max`) ?? '').trim().split(/\s+/);
    return ratio(quota, period);
  });
}

/** A quota over a period, when both are positive numbers ("max" and -1 mean no quota). */
function ratio(quota: string | undefined, period: string | undefined): number | undefined {
  const q = Number(quota);
  const p = Number(period);
  return q > 0 && p > 0 ? q / p : undefined;
}

/** The cgroup file systems (v1 and v2) of a /proc/self/mountinfo text. */
export function cgroupMounts(mountinfo: string): CgroupMount[] {
  return mountinfo.split('\n').flatMap((line) => mountOf(line) ?? []);
}

/** One line of /proc/self/mountinfo: "id parent major:minor root point options [tags] - type source superoptions". */
function mountOf(line: string): CgroupMount | undefined {
  const split = line.indexOf(' - ');
  if (split === -1) return undefined;
  const before = line.slice(0, split).split(' ');
  const after = line.slice(split + 3).split(' ');
  if (before.length < 5 || after.length < 3 || !after[0]!.startsWith('cgroup')) return undefined;
  // The kernel writes a space, a tab, a newline and a backslash in a path as octal escapes.
  const unescape = (s: string) => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
  return { root: unescape(before[3]!), point: unescape(before[4]!), type: after[0]!, options: after[2]!.split(',') };
}

/** The least limit from the process's cgroup folder up to the mount's own folder. */
function leastAlong(mount: CgroupMount, cgroupPath: string, limitIn: (dir: string) => number | undefined): number | undefined {
  // The cgroup's folder is its path less the mount's root; a path outside that root (a container shown the host's
  // path while its own cgroup is what is mounted) is the mount's folder itself.
  const inside = mount.root === '/' ? cgroupPath : cgroupPath === mount.root || cgroupPath.startsWith(`${mount.root}/`) ? cgroupPath.slice(mount.root.length) : '/';
  let least: number | undefined;
  for (let dir = posix.resolve(mount.point, `.${inside}`); ; dir = posix.dirname(dir)) {
    const limit = limitIn(dir);
    if (limit !== undefined) least = least === undefined ? limit : Math.min(least, limit);
    if (dir === mount.point || !dir.startsWith(`${mount.point}/`)) break;
  }
  return least;
}
