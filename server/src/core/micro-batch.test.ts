import { describe, expect, it } from 'vitest'
import { createMicroBatcher } from './micro-batch.ts'

describe('createMicroBatcher', () => {
  it('answers every caller with its own result, in batches, and isolates per-item errors', async () => {
    const batches: number[][] = []
    const batcher = createMicroBatcher<number, number>(async (items) => {
      batches.push(items)
      return items.map((n) => (n === 3 ? new Error('three') : n * 10))
    })
    const results = await Promise.allSettled([1, 2, 3, 4].map((n) => batcher.submit(n)))
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([10, 20, 'three', 40])
    expect(batches).toEqual([[1, 2, 3, 4]])
  })

  it('fails every caller of a batch whose run throws (nothing of it was stored)', async () => {
    const batcher = createMicroBatcher<number, number>(async () => {
      throw new Error('database down')
    })
    await expect(Promise.all([batcher.submit(1), batcher.submit(2)])).rejects.toThrow('database down')
  })

  it('keeps at most `parallel` batches running and still processes everything', async () => {
    let running = 0
    let peak = 0
    const batcher = createMicroBatcher<number, number>(
      async (items) => {
        running += 1
        peak = Math.max(peak, running)
        await new Promise((r) => setTimeout(r, 5))
        running -= 1
        return items
      },
      { parallel: 2, maxBatch: 3, minFill: 2, fillWaitMs: 1 },
    )
    const all = await Promise.all(Array.from({ length: 20 }, (_, i) => batcher.submit(i)))
    expect(all).toEqual(Array.from({ length: 20 }, (_, i) => i))
    expect(peak).toBeLessThanOrEqual(2)
  })

  it('tells the run when the oldest item of its batch arrived, so a batch queued behind others does not wait afresh', async () => {
    const seen: Array<{ items: number[]; since: number }> = []
    let release: () => void = () => {}
    const gate = new Promise<void>((r) => (release = r))
    const batcher = createMicroBatcher<number, number>(
      async (items, since) => {
        seen.push({ items, since })
        if (items[0] === 0) await gate
        return items
      },
      { parallel: 1 },
    )
    const first = batcher.submit(0)
    await new Promise((r) => setTimeout(r, 5))
    const queuedAt = performance.now()
    const queued = batcher.submit(1)
    await new Promise((r) => setTimeout(r, 30))
    release()
    await Promise.all([first, queued])
    // The second batch starts 30 ms after its item arrived and is told so.
    expect(seen[1]?.items).toEqual([1])
    expect(seen[1]!.since).toBeGreaterThanOrEqual(queuedAt - 1)
    expect(seen[1]!.since).toBeLessThan(queuedAt + 5)
  })

  it('holds a batch until it has `minFill` items or its oldest has waited `fillWaitMs`, even with none running', async () => {
    const started: Array<{ items: number[]; at: number }> = []
    const batcher = createMicroBatcher<number, number>(
      async (items) => {
        started.push({ items, at: performance.now() })
        return items
      },
      { minFill: 3, fillWaitMs: 60 },
    )
    // Three items a few ms apart: the third fills the batch long before 60 ms.
    const t0 = performance.now()
    const full = [batcher.submit(0)]
    await new Promise((r) => setTimeout(r, 3))
    full.push(batcher.submit(1))
    await new Promise((r) => setTimeout(r, 3))
    full.push(batcher.submit(2))
    await Promise.all(full)
    expect(started[0]?.items).toEqual([0, 1, 2])
    expect(started[0]!.at - t0).toBeLessThan(45)
    // A lone item waits its 60 ms for company, then goes alone (a timer may fire a millisecond or two early).
    const t1 = performance.now()
    await batcher.submit(3)
    expect(started[1]?.items).toEqual([3])
    expect(started[1]!.at - t1).toBeGreaterThanOrEqual(55)
  })
})
