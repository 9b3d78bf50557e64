/**
 * What the benchmarks read of another process from Linux's /proc: the CPU time it has used and its
 * peak resident memory. Null where there is no /proc (or the process is gone).
 */
import fs from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat's CPU times (USER_HZ, 100 on Linux). */
const USER_HZ = 100;

/**
 * The CPU seconds `pid` has used so far (utime + stime). CPU per request is steadier than
 * throughput on a shared machine: another process's load slows the answers, but does not add to
 * this process's CPU time.
 */
export function cpuSeconds(pid: number | undefined): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces: the fields are counted after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / USER_HZ;
  } catch {
    return null;
  }
}

/** The peak resident set size of `pid` in bytes (`VmHWM` of /proc/<pid>/status). */
export function peakRssBytes(pid: number | undefined): number | null {
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}
