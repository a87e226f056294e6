import { readFileSync } from 'node:fs'

const CLOCK_TICKS_PER_SECOND = 100 // getconf CLK_TCK on Linux

/** CPU time a process has used so far, in ms, from /proc, split into user and system (kernel: socket reads and writes, wake-ups); 0 once it has ended. */
export function cpuSplitMs(pid: number): { user: number; system: number } {
  try {
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return { user: (Number(fields[11]) * 1000) / CLOCK_TICKS_PER_SECOND, system: (Number(fields[12]) * 1000) / CLOCK_TICKS_PER_SECOND }
  } catch {
    return { user: 0, system: 0 }
  }
}

/** CPU time (user + system) a process has used so far, in ms; 0 once it has ended. */
export function cpuMs(pid: number): number {
  const { user, system } = cpuSplitMs(pid)
  return user + system
}

/**
 * CPU spent by a set of processes between `start()` and `stop()`. CPU time per request is what a
 * change costs, and unlike throughput it hardly moves when other work shares the machine.
 */
export function cpuMeter(pids: () => Promise<number[]>) {
  let before = new Map<number, number>()
  return {
    async start() {
      before = new Map((await pids()).map((pid) => [pid, cpuMs(pid)]))
    },
    async stop(): Promise<number> {
      const now = await pids()
      return now.reduce((total, pid) => total + cpuMs(pid) - (before.get(pid) ?? 0), 0)
    },
  }
}
