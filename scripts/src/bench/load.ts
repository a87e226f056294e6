import http from 'node:http'
import { readFileSync } from 'node:fs'
import { monitorEventLoopDelay } from 'node:perf_hooks'

/** What the benchmarks send requests with: `createClient` below, or `createRawClient` (raw-http.ts). */
export interface Client {
  request(method: 'GET' | 'POST', path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: string }>
  close(): void
}

/** A keep-alive HTTP client shared by both measured targets, so the ratio compares servers, not clients. */
export function createClient(baseUrl: string, concurrency: number): Client {
  const url = new URL(baseUrl)
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency })
  return {
    request(method: 'GET' | 'POST', path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
      const payload = body === undefined ? undefined : JSON.stringify(body)
      return new Promise((resolve, reject) => {
        const req = http.request(
          {
            agent,
            host: url.hostname,
            port: url.port,
            method,
            path,
            headers: { ...headers, ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}) },
          },
          (res) => {
            const chunks: Buffer[] = []
            res.on('data', (c: Buffer) => chunks.push(c))
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }))
          },
        )
        req.on('error', reject)
        if (payload) req.write(payload)
        req.end()
      })
    },
    close() {
      agent.destroy()
    },
  }
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number
}

/** The p-th percentile of samples in any order. */
export function percentileOf(samples: number[], p: number): number {
  return percentile([...samples].sort((a, b) => a - b), p)
}

/**
 * The quarter-seconds of a run that had an answer over 25 ms (#26's p99 target): when it began, how
 * many answers, their p50 and slowest, how many over 25 ms. Stalls (a collection, a disk flush)
 * show as a few quarters with many; a general tail as many quarters with one or two.
 */
function slowQuarters(timeline: Array<[number, number]>): string[] {
  const quarters = new Map<number, number[]>()
  for (const [dueMs, latencyMs] of timeline) {
    const q = Math.floor(dueMs / 250)
    const inQuarter = quarters.get(q)
    if (inQuarter) inQuarter.push(latencyMs)
    else quarters.set(q, [latencyMs])
  }
  return [...quarters.entries()]
    .sort(([a], [b]) => a - b)
    .map(([q, all]) => ({ q, all: all.sort((a, b) => a - b), over: all.filter((l) => l > 25).length }))
    .filter(({ over }) => over > 0)
    .map(({ q, all, over }) => `${(q / 4).toFixed(2).padStart(6)} s  ${String(all.length).padStart(4)} answers  p50 ${percentile(all, 50).toFixed(1)} ms  slowest ${all[all.length - 1]!.toFixed(1)} ms  ${over} over 25 ms`)
}

/**
 * The measured window of a load run (`durationMs` after `warmupMs`, from now) and what was
 * recorded in it: latencies of successful steps and the count of failed ones.
 */
function measurementWindow(warmupMs: number, durationMs: number) {
  const latencies: number[] = []
  // BENCH_TIMELINE=1: [ms after measuring began that the request was due, latency], to see whether slow answers cluster.
  const timeline: Array<[number, number]> | null = process.env.BENCH_TIMELINE === '1' ? [] : null
  let failures = 0
  // The slowest answer and when it was due (epoch ms), to set beside the disk probe's stalls.
  let slowest = { latencyMs: 0, at: 0 }
  const start = performance.now()
  const measureFrom = start + warmupMs
  return {
    start,
    measureFrom,
    stopAt: measureFrom + durationMs,
    record(ok: boolean, latencyMs: number) {
      timeline?.push([performance.now() - latencyMs - measureFrom, latencyMs])
      if (ok) latencies.push(latencyMs)
      else failures += 1
      if (latencyMs > slowest.latencyMs) slowest = { latencyMs, at: Date.now() - latencyMs }
    },
    result() {
      latencies.sort((a, b) => a - b)
      return { count: latencies.length, failures, perSecond: latencies.length / (durationMs / 1000), p50: percentile(latencies, 50), p99: percentile(latencies, 99), slowest, slowQuarters: timeline && slowQuarters(timeline) }
    },
  }
}

/**
 * Runs `workers` closed loops (each sends its next request when the previous one answered) for
 * `durationMs` after `warmupMs`, and returns the latencies and count measured after warm-up.
 */
export async function closedLoop(workers: number, warmupMs: number, durationMs: number, step: (worker: number) => Promise<boolean>) {
  const window = measurementWindow(warmupMs, durationMs)
  await Promise.all(
    Array.from({ length: workers }, async (_, worker) => {
      while (performance.now() < window.stopAt) {
        const t0 = performance.now()
        const ok = await step(worker)
        const t1 = performance.now()
        if (t0 >= window.measureFrom && t1 <= window.stopAt) window.record(ok, t1 - t0)
      }
    }),
  )
  return window.result()
}

/** Peak resident memory of a process, sampled from /proc (Linux). */
export function watchRss(pid: number, everyMs = 100) {
  let peakKb = 0
  const read = () => {
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8')
      const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0)
      peakKb = Math.max(peakKb, kb)
    } catch {
      // the process has ended
    }
  }
  const timer = setInterval(read, everyMs)
  return {
    reset() {
      peakKb = 0
    },
    stop() {
      clearInterval(timer)
      read()
      return peakKb / 1024
    },
  }
}

/** How often the generator's own event loop is sampled (ms). */
const DELAY_RESOLUTION_MS = 5

/**
 * Offers a fixed rate spread over `workers` (each sends every workers/rate seconds) and measures
 * latency from each request's scheduled time, so a slow answer also counts for the requests it
 * delayed (no coordinated omission).
 */
export async function openLoop(workers: number, ratePerSecond: number, warmupMs: number, durationMs: number, step: (worker: number) => Promise<boolean>) {
  const intervalMs = (workers / ratePerSecond) * 1000
  const window = measurementWindow(warmupMs, durationMs)
  // The generator's own event loop: when it is held up (its garbage collector, the CPU it shares
  // with the server and PostgreSQL), answers wait in its socket and count as slow.
  const generatorDelay = monitorEventLoopDelay({ resolution: DELAY_RESOLUTION_MS })
  let cpuFrom: NodeJS.CpuUsage | null = null
  const measuring = setTimeout(() => {
    generatorDelay.reset()
    generatorDelay.enable()
    cpuFrom = process.cpuUsage()
  }, warmupMs)
  await Promise.all(
    Array.from({ length: workers }, async (_, worker) => {
      let next = window.start + (worker / workers) * intervalMs
      while (next < window.stopAt) {
        // Whole milliseconds, rounded up: Node truncates a timer's duration to whole milliseconds, so a
        // fractional wait could send a request up to 1 ms before it was due, and its latency (counted
        // from when it was due) would read short.
        const wait = Math.ceil(next - performance.now())
        if (wait > 0) await new Promise((r) => setTimeout(r, wait))
        const ok = await step(worker)
        const done = performance.now()
        if (next >= window.measureFrom) window.record(ok, done - next)
        next += intervalMs
      }
    }),
  )
  clearTimeout(measuring)
  generatorDelay.disable()
  // The histogram holds each whole interval between its timer's turns (the resolution included: an
  // idle loop reads 5 ms at resolution 5), so the delay is what exceeds the resolution.
  const delayMs = (ns: number) => (Number.isFinite(ns) ? Math.max(0, ns / 1e6 - DELAY_RESOLUTION_MS) : NaN)
  const cpu = cpuFrom ? process.cpuUsage(cpuFrom) : null
  const result = window.result()
  // This process's CPU per measured request: the generator's own share of the two cores.
  const cpuPerRequestUs = cpu ? (cpu.user + cpu.system) / Math.max(1, result.count + result.failures) : NaN
  return { ...result, generator: { delayP99Ms: delayMs(generatorDelay.percentile(99)), delayMaxMs: delayMs(generatorDelay.max), cpuPerRequestUs } }
}
