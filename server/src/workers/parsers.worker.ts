import { readlinkSync } from 'node:fs'
import { setPriority } from 'node:os'
import { parentPort, workerData } from 'node:worker_threads'
import { readSheet } from '../modules/bulk-registration/sheet.parser.ts'

/**
 * The worker thread's entry (worker-runner.ts starts it; build.mjs bundles it as
 * dist/parsers.worker.mjs): every parser that reads an uploaded file, by name. A parser takes and
 * returns plain data (structured clone); a client error it throws (defineError) travels back with
 * its code, status and message.
 */
const parsers = {
  'bulk-registration.sheet': (input: { content: Uint8Array; fileName: string }) => readSheet(Buffer.from(input.content.buffer, input.content.byteOffset, input.content.byteLength), input.fileName),
}

export type ParserName = keyof typeof parsers
export type ParserInput<N extends ParserName> = Parameters<(typeof parsers)[N]>[0]
export type ParserOutput<N extends ParserName> = Awaited<ReturnType<(typeof parsers)[N]>>

/**
 * On Linux the thread lowers its own priority (nice 19; setpriority on a thread id affects that
 * thread only): on a busy machine the event loop answering learners gets the CPU first.
 */
function yieldToEventLoop(): void {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop())
    if (Number.isInteger(tid) && tid > 0) setPriority(tid, 19)
  } catch {
    // Not Linux: the thread keeps the process's priority; the time budget still bounds it.
  }
}

if (parentPort) {
  yieldToEventLoop()
  const port = parentPort
  const { name, input } = workerData as { name: ParserName; input: ParserInput<ParserName> }
  try {
    port.postMessage({ ok: true, value: await parsers[name](input) })
  } catch (error) {
    const e = error as { code?: unknown; statusCode?: unknown; message?: unknown }
    if (typeof e.code === 'string' && typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
      port.postMessage({ ok: false, error: { code: e.code, statusCode: e.statusCode, message: String(e.message) } })
    } else port.postMessage({ ok: false, failure: error instanceof Error ? error.name : 'error' })
  }
}
