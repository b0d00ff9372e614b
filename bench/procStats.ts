import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';

/**
 * Per-process CPU and memory from Linux /proc. Read from outside the gateway, so neither gateway
 * needs instrumenting and both are measured the same way.
 */

/** The numbers are Linux-only; say so up front rather than failing mid-run. */
export function assertProcAvailable(): void {
  if (!existsSync('/proc/self/stat') || !existsSync('/proc/self/status')) {
    throw new Error('The benchmark reads gateway CPU and memory from /proc, which only Linux provides.');
  }
}

/**
 * utime/stime in /proc/<pid>/stat are in clock ticks (USER_HZ). It is 100 on nearly every Linux,
 * but asking getconf avoids silently wrong CPU numbers where it is not.
 */
export function clockTicksPerSecond(): { ticks: number; source: 'getconf' | 'assumed' } {
  try {
    const value = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    if (Number.isInteger(value) && value > 0) return { ticks: value, source: 'getconf' };
  } catch {
    // getconf missing (minimal images): fall through to the Linux default.
  }
  return { ticks: 100, source: 'assumed' };
}

/**
 * utime + stime (fields 14 and 15) of the whole process, in clock ticks. The process-level
 * /proc/<pid>/stat sums all threads, so libuv's pool and V8's GC/compiler threads count too.
 */
export function readCpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Field 2 (comm) is parenthesised and may contain spaces or ')', so split after the LAST ')'.
  // What follows starts at field 3, hence field N is at index N - 3.
  const close = stat.lastIndexOf(')');
  if (close < 0) throw new Error(`Unexpected /proc/${pid}/stat format`);
  const fields = stat.slice(close + 2).split(' ');
  const utime = Number(fields[14 - 3]);
  const stime = Number(fields[15 - 3]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) throw new Error(`Cannot read utime/stime from /proc/${pid}/stat`);
  return utime + stime;
}

/** VmHWM: the peak resident set size over the process's life, in bytes (the kernel reports kB). */
export function readPeakRssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmHWM:\s+(\d+)\s+kB$/m.exec(status);
  if (!match?.[1]) throw new Error(`No VmHWM in /proc/${pid}/status`);
  return Number(match[1]) * 1024;
}

/** The process and its descendants (a `--workers` supervisor and its workers), from each /proc/<pid>/stat's ppid. */
export function processTree(root: number): number[] {
  const parents = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[4 - 3]);
      const siblings = parents.get(ppid) ?? [];
      siblings.push(Number(entry));
      parents.set(ppid, siblings);
    } catch {
      // Exited while listing.
    }
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) tree.push(...(parents.get(tree[i] as number) ?? []));
  return tree;
}

/** readCpuTicks summed over the process tree (the root must be readable; descendants that exit meanwhile count 0). */
export function readTreeCpuTicks(root: number): number {
  return processTree(root).reduce((sum, pid) => sum + (pid === root ? readCpuTicks(pid) : orZero(() => readCpuTicks(pid))), 0);
}

/** readPeakRssBytes summed over the process tree: an upper bound of the tree's peak (the peaks need not coincide). */
export function readTreePeakRssBytes(root: number): number {
  return processTree(root).reduce((sum, pid) => sum + (pid === root ? readPeakRssBytes(pid) : orZero(() => readPeakRssBytes(pid))), 0);
}

function orZero(read: () => number): number {
  try {
    return read();
  } catch {
    return 0;
  }
}
