import { describe, expect, it } from 'vitest'
import type { PipelinedTransaction } from '../../db/pipelined-transaction.ts'
import type { ReportItem } from './progress-report.service.ts'
import { processReportBatch } from './report-batch.service.ts'

// How a failing batch is retried: a bad report is isolated by halving; an unreachable database is
// not worth halving (each half would wait for a connection again).

const items: ReportItem[] = Array.from({ length: 8 }, (_, i) => ({
  userId: i + 1,
  authSessionId: `00000000-0000-4000-8000-00000000000${i}`,
  authSessionVersion: 1,
  sessionId: `10000000-0000-4000-8000-00000000000${i}`,
  body: { seq: 1, positionSeconds: 10, clientElapsedMs: 10_000, playing: true },
  now: new Date('2026-11-27T12:00:00Z'),
}))

function failingWith(error: Error): { pipelined: PipelinedTransaction; calls: () => number; waits: number[] } {
  let calls = 0
  const waits: number[] = []
  const pipelined = (async (work: { waitingSince?: number }) => {
    calls += 1
    waits.push(work.waitingSince ?? NaN)
    throw error
  }) as PipelinedTransaction
  return { pipelined, calls: () => calls, waits }
}

describe('processReportBatch when its transaction fails', () => {
  it('fails the whole batch at once when the database cannot be reached', async () => {
    const down = Object.assign(new Error('no database connection within 5000 ms'), { code: 'CONNECT_TIMEOUT' })
    const { pipelined, calls } = failingWith(down)
    const results = await processReportBatch(pipelined, items, 1234)
    expect(calls()).toBe(1)
    expect(results).toEqual(items.map(() => down))
  })

  it('halves a batch that fails for another reason until each report fails alone, keeping the first arrival time', async () => {
    const broken = Object.assign(new Error('value out of range'), { code: '22003' })
    const { pipelined, calls, waits } = failingWith(broken)
    const results = await processReportBatch(pipelined, items, 1234)
    expect(calls()).toBe(15) // 8 → 4 + 4 → 2 × 4 → 1 × 8
    expect(results).toHaveLength(8)
    expect(new Set(waits)).toEqual(new Set([1234]))
  })
})
