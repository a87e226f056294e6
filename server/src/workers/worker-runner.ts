import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { ParserInput, ParserName, ParserOutput } from './parsers.worker.ts'

/**
 * Runs a file parser off the event loop, in a worker thread with a time and a memory budget, so a
 * hostile upload (a zip bomb, a sheet of a million rows) costs one thread a bounded while and never
 * delays learners' requests. One fresh thread per file: when it ends (or is terminated), every byte
 * it allocated is gone. The parsers live in `parsers.worker.ts`; the limits are in security.md.
 */

export interface WorkerBudget {
  /** Wall time from start to answer; the thread is terminated when it runs out. */
  timeoutMs: number
  /** V8 heap limits of the thread (Worker `resourceLimits`); exceeding them ends the thread. */
  maxOldGenerationSizeMb: number
  maxYoungGenerationSizeMb: number
}

export type BudgetExceeded = 'time' | 'memory'

/** Thrown when a parser ran out of its budget; callers turn it into their own client error. */
export class WorkerBudgetExceeded extends Error {
  constructor(readonly kind: BudgetExceeded) {
    super(`parser worker exceeded its ${kind} budget`)
  }
}

/** Parsers running at once in this process; more wait their turn (staff uploads are rare). */
const MAX_RUNNING = 2
let running = 0
const waiting: Array<() => void> = []

async function takeSlot(): Promise<void> {
  if (running < MAX_RUNNING) {
    running++
    return
  }
  await new Promise<void>((resolve) => waiting.push(resolve))
}

function releaseSlot(): void {
  const next = waiting.shift()
  if (next) next()
  else running--
}

let entry: { script: string | URL; evaluate: boolean } | undefined

/**
 * Built server: dist/parsers.worker.mjs beside dist/server.mjs (build.mjs bundles it). From source
 * (tsx, vitest) the thread first registers tsx's loader, then imports the .ts entry.
 */
function workerEntry(): { script: string | URL; evaluate: boolean } {
  if (entry) return entry
  const built = new URL('./parsers.worker.mjs', import.meta.url)
  if (existsSync(fileURLToPath(built))) entry = { script: built, evaluate: false }
  else {
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/index\.cjs$/, 'index.mjs')).href
    const source = new URL('./parsers.worker.ts', import.meta.url).href
    entry = { script: `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(source)}) })`, evaluate: true }
  }
  return entry
}

interface WorkerAnswer {
  ok: boolean
  value?: unknown
  /** A client error the parser raised (defineError): code, status and message travel back. */
  error?: { code: string; statusCode: number; message: string }
  failure?: string
}

/** Runs parser `name` on `input` in a fresh worker thread within `budget`. */
export async function runParser<N extends ParserName>(name: N, input: ParserInput<N>, budget: WorkerBudget): Promise<ParserOutput<N>> {
  await takeSlot()
  try {
    return (await runOnce(name, input, budget)) as ParserOutput<N>
  } finally {
    releaseSlot()
  }
}

function runOnce(name: ParserName, input: unknown, budget: WorkerBudget): Promise<unknown> {
  const { script, evaluate } = workerEntry()
  return new Promise((resolve, reject) => {
    const worker = new Worker(script, {
      eval: evaluate,
      workerData: { name, input },
      env: {},
      stdout: false,
      stderr: false,
      resourceLimits: { maxOldGenerationSizeMb: budget.maxOldGenerationSizeMb, maxYoungGenerationSizeMb: budget.maxYoungGenerationSizeMb, stackSizeMb: 4 },
    })
    let settled = false
    const settle = (outcome: () => void) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      outcome()
      void worker.terminate()
    }
    const timer = setTimeout(() => settle(() => reject(new WorkerBudgetExceeded('time'))), budget.timeoutMs)
    worker.once('message', (answer: WorkerAnswer) => {
      settle(() => {
        if (answer.ok) resolve(answer.value)
        else if (answer.error) reject(Object.assign(new Error(answer.error.message), { code: answer.error.code, statusCode: answer.error.statusCode }))
        else reject(new Error(`parser ${name} failed: ${answer.failure ?? 'unknown'}`))
      })
    })
    worker.once('error', (error: Error & { code?: string }) => {
      settle(() => reject(error.code === 'ERR_WORKER_OUT_OF_MEMORY' ? new WorkerBudgetExceeded('memory') : error))
    })
    worker.once('exit', (code) => settle(() => reject(new Error(`parser ${name} exited with code ${code} before answering`))))
  })
}
