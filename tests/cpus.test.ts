/**
 * The default of --jobs in a container: the CPU quota of the process's cgroup caps the CPUs Node reports. First the
 * reading of the files (cgroup v1 and v2, as Docker, Kubernetes and systemd lay them out), then a real cgroup with a
 * quota, where the machine lets the tests make one (root, a cgroup file system with the cpu controller).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cgroupCpuLimit, cgroupMounts, defaultJobs, usableCpus } from '../src/engine/cpus.js';
import { ROOT } from './helpers.js';

/** A reader over made-up files. */
const files = (entries: Record<string, string>) => (path: string) => entries[path];

const V2_MOUNT = '30 23 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate\n';

describe('the CPU quota of the cgroup', () => {
  it('cgroup v2 in a container with its own cgroup namespace: cpu.max at the mount', () => {
    const read = files({ '/proc/self/cgroup': '0::/\n', '/proc/self/mountinfo': V2_MOUNT, '/sys/fs/cgroup/cpu.max': '150000 100000\n' });
    expect(cgroupCpuLimit(read)).toBe(1.5);
  });

  it('cgroup v2: the least quota of the cgroup and the ones above it', () => {
    const read = files({
      '/proc/self/cgroup': '0::/kubepods.slice/pod1/ctr\n',
      '/proc/self/mountinfo': `22 1 8:1 / / rw - ext4 /dev/vda rw\n${V2_MOUNT}`,
      '/sys/fs/cgroup/kubepods.slice/pod1/ctr/cpu.max': 'max 100000\n',
      '/sys/fs/cgroup/kubepods.slice/pod1/cpu.max': '200000 100000\n',
      '/sys/fs/cgroup/kubepods.slice/cpu.max': '400000 100000\n',
    });
    expect(cgroupCpuLimit(read)).toBe(2);
  });

  it('cgroup v2 with no quota anywhere ("max"), or no cpu.max at all: none', () => {
    expect(cgroupCpuLimit(files({ '/proc/self/cgroup': '0::/user.slice\n', '/proc/self/mountinfo': V2_MOUNT, '/sys/fs/cgroup/user.slice/cpu.max': 'max 100000\n' }))).toBeUndefined();
    expect(cgroupCpuLimit(files({ '/proc/self/cgroup': '0::/user.slice\n', '/proc/self/mountinfo': V2_MOUNT }))).toBeUndefined();
  });

  it('cgroup v1 in Docker: the host path in /proc/self/cgroup, the container\'s own cgroup mounted at its root', () => {
    const read = files({
      '/proc/self/cgroup': '5:memory:/docker/abc\n4:cpu,cpuacct:/docker/abc\n0::/\n',
      '/proc/self/mountinfo': '40 31 0:33 /docker/abc /sys/fs/cgroup/cpu,cpuacct ro,nosuid - cgroup cgroup rw,cpu,cpuacct\n41 31 0:34 /docker/abc /sys/fs/cgroup/memory ro - cgroup cgroup rw,memory\n',
      '/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us': '50000\n',
      '/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_period_us': '100000\n',
      // What the v2 hierarchy says does not count: the cpu controller is v1's here.
      '/sys/fs/cgroup/cpu.max': '800000 100000\n',
    });
    expect(cgroupCpuLimit(read)).toBe(0.5);
  });

  it('cgroup v1 with no quota (-1): none; no cgroup files at all: none', () => {
    const mountinfo = '32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n';
    expect(cgroupCpuLimit(files({ '/proc/self/cgroup': '1:cpu:/\n0::/\n', '/proc/self/mountinfo': mountinfo, '/sys/fs/cgroup/cpu/cpu.cfs_quota_us': '-1\n', '/sys/fs/cgroup/cpu/cpu.cfs_period_us': '100000\n' }))).toBeUndefined();
    expect(cgroupCpuLimit(files({}))).toBeUndefined();
  });

  it('reads a mount point written with octal escapes (a space is \\040)', () => {
    const read = files({
      '/proc/self/cgroup': '0::/a b\n',
      '/proc/self/mountinfo': '30 23 0:26 / /mnt/cg\\040root rw - cgroup2 cgroup2 rw\n',
      '/mnt/cg root/a b/cpu.max': '300000 100000\n',
    });
    expect(cgroupCpuLimit(read)).toBe(3);
  });
});

/** Where this machine lets a test make a cgroup with a CPU quota: v1's cpu hierarchy, or v2's with the cpu controller. */
function cgroupFileSystem(): { version: 1 | 2; point: string } | undefined {
  if (process.getuid?.() !== 0 || process.platform !== 'linux') return undefined;
  const mounts = cgroupMounts(readFileSync('/proc/self/mountinfo', 'utf8'));
  const v1 = mounts.find((m) => m.type === 'cgroup' && m.options.includes('cpu'));
  if (v1) return { version: 1, point: v1.point };
  const v2 = mounts.find((m) => m.type === 'cgroup2');
  if (!v2) return undefined;
  const point = v2.point;
  const controllers = existsSync(join(point, 'cgroup.controllers')) ? readFileSync(join(point, 'cgroup.controllers'), 'utf8').split(/\s+/) : [];
  return controllers.includes('cpu') ? { version: 2, point } : undefined;
}

/** A new cgroup with a quota of `cpus`; the caller removes it (rmdir) once its processes are gone. */
function makeCgroup(fs: { version: 1 | 2; point: string }, name: string, cpus: number): string {
  const dir = join(fs.point, name);
  if (fs.version === 2) writeFileSync(join(fs.point, 'cgroup.subtree_control'), '+cpu');
  mkdirSync(dir);
  if (fs.version === 1) {
    writeFileSync(join(dir, 'cpu.cfs_period_us'), '100000');
    writeFileSync(join(dir, 'cpu.cfs_quota_us'), String(Math.round(cpus * 100000)));
  } else {
    writeFileSync(join(dir, 'cpu.max'), `${Math.round(cpus * 100000)} 100000`);
  }
  return dir;
}

/** What usableCpus() says in a child process placed in the cgroup first (the built module: tests run after a build). */
function usableCpusIn(dir: string): number {
  const script = `import(${JSON.stringify(join(ROOT, 'dist/engine/cpus.js'))}).then((m) => console.log(m.usableCpus()))`;
  const r = spawnSync('sh', ['-c', 'echo $$ > "$1/cgroup.procs" && exec "$2" -e "$3"', 'sh', dir, process.execPath, script], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return Number(r.stdout.trim());
}

const cgroups = cgroupFileSystem();

describe.skipIf(!cgroups)('in a real cgroup with a CPU quota (root, with a cgroup file system that has the cpu controller)', () => {
  it('half a CPU: one job; ten CPUs on a machine of fewer: the CPUs the machine has', () => {
    const made: string[] = [];
    try {
      made.push(makeCgroup(cgroups!, `manba-test-${process.pid}-half`, 0.5));
      made.push(makeCgroup(cgroups!, `manba-test-${process.pid}-ten`, 10));
      expect(usableCpusIn(made[0]!)).toBe(1);
      // Under the mount's own cgroup, as this process is on a machine or in a container: no more than it may use.
      expect(usableCpusIn(made[1]!)).toBe(Math.min(10, usableCpus()));
    } finally {
      for (const dir of made) rmdirSync(dir);
    }
  });
});

describe('the default of --jobs', () => {
  it('is the CPUs the process may use, at most eight: past about seven workers one main thread is the limit', () => {
    expect(defaultJobs(1)).toBe(1);
    expect(defaultJobs(2)).toBe(2);
    expect(defaultJobs(8)).toBe(8);
    expect(defaultJobs(9)).toBe(8);
    expect(defaultJobs(64)).toBe(8);
    expect(defaultJobs()).toBe(Math.min(usableCpus(), 8));
  });
});
