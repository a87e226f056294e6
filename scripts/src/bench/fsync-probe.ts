/**
 * A disk-stall probe for the benchmarks. Every acknowledged progress report waits for PostgreSQL's
 * commit, so for its WAL flush (fdatasync), and a virtual machine's disk sometimes stalls a flush
 * for 100 ms or more (seen here: 30 s of idle probing had p50 0.12 ms and max 176 ms). One such stall
 * holds up every report in flight and can decide a 15-second window's p99 by itself. The probe runs
 * beside a benchmark and says whether, and when, the disk stalled, so a slow figure can be told apart
 * from a slow server.
 *
 * Run as its own process (startFsyncProbe), so its timings are the disk's and not the benchmark's
 * busy event loop: it writes 8 kB and flushes it every 50 ms in a file on the given directory's disk.
 * On a database host, alone (prints the figures as JSON after the given seconds):
 *
 *   npx -y pnpm@10.34.8 --filter @app/scripts exec tsx src/bench/fsync-probe.ts /var/lib/postgresql 60
 */
import { spawn } from 'node:child_process'
import { closeSync, fdatasyncSync, openSync, rmSync, writeSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { percentileOf } from './load.ts'
import { REPO_ROOT } from './processes.ts'

export interface FsyncFigures {
  samples: number
  p50Ms: number
  p99Ms: number
  maxMs: number
  /** When the slowest flush started (epoch ms). */
  maxAt: number
  over50Ms: number
}

const EVERY_MS = 50

/** Starts the probe in a child process; stop() ends it and gives what it measured. */
export function startFsyncProbe(dir = os.tmpdir()): { stop(): Promise<FsyncFigures> } {
  const child = spawn(process.execPath, ['--import', 'tsx', import.meta.filename, dir], { cwd: path.join(REPO_ROOT, 'scripts'), stdio: ['pipe', 'pipe', 'inherit'] })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')))
  const ended = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  return {
    async stop() {
      child.stdin.end() // the probe's signal to print and exit
      await ended
      return JSON.parse(output) as FsyncFigures
    },
  }
}

function probe(dir: string, seconds: number | null): void {
  const file = path.join(dir, `fsync-probe-${process.pid}`)
  const fd = openSync(file, 'w')
  const block = Buffer.alloc(8192, 1)
  const samples: Array<{ at: number; ms: number }> = []
  let offset = 0
  const timer = setInterval(() => {
    writeSync(fd, block, 0, block.length, offset)
    offset = (offset + block.length) % (128 * block.length)
    const at = Date.now()
    const t0 = performance.now()
    fdatasyncSync(fd)
    samples.push({ at, ms: performance.now() - t0 })
  }, EVERY_MS)
  const finish = () => {
    clearInterval(timer)
    closeSync(fd)
    rmSync(file, { force: true })
    const slowest = samples.reduce((a, b) => (b.ms > a.ms ? b : a), { at: 0, ms: 0 })
    const ms = samples.map((s) => s.ms)
    const figures: FsyncFigures = {
      samples: samples.length,
      p50Ms: percentileOf(ms, 50),
      p99Ms: percentileOf(ms, 99),
      maxMs: slowest.ms,
      maxAt: slowest.at,
      over50Ms: ms.filter((m) => m > 50).length,
    }
    process.stdout.write(JSON.stringify(figures))
  }
  if (seconds !== null) setTimeout(finish, seconds * 1000)
  else process.stdin.resume().on('end', finish) // startFsyncProbe ends stdin to stop it
}

if (process.argv[1] === import.meta.filename) probe(process.argv[2] ?? os.tmpdir(), process.argv[3] ? Number(process.argv[3]) : null)
