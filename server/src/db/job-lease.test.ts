import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from './client.ts'
import { runWithLease } from './job-lease.ts'
import { createTestDatabase } from '../../test/db.ts'

let database: Database
beforeAll(async () => {
  database = await createTestDatabase()
})
afterAll(async () => {
  await database.close()
})

const job = (holder: string) => ({ name: 'test-job', everyMs: 10_000, maxRunMs: 60_000, holder })

describe('periodic job leases', () => {
  it('lets one of several instances run a round while the others skip it', async () => {
    const now = new Date('2026-11-27T10:00:00Z')
    let running = 0
    let peak = 0
    const ran = await Promise.all(
      ['a', 'b', 'c', 'd'].map((holder) =>
        runWithLease(database.db, job(holder), now, async () => {
          running += 1
          peak = Math.max(peak, running)
          await new Promise((resolve) => setTimeout(resolve, 50))
          running -= 1
        }),
      ),
    )
    expect(ran.filter(Boolean)).toHaveLength(1)
    expect(peak).toBe(1)
  })

  it('gives the next period’s round to any instance, and replaces a holder that died mid-round', async () => {
    const t0 = new Date('2026-11-27T11:00:00Z')
    expect(await runWithLease(database.db, job('a'), t0, async () => {})).toBe(true)
    expect(await runWithLease(database.db, job('b'), new Date(t0.getTime() + 5_000), async () => {})).toBe(false)
    expect(await runWithLease(database.db, job('b'), new Date(t0.getTime() + 10_000), async () => {})).toBe(true)

    // Holder "c" dies mid-round: its work never returns, the lease stays taken until maxRunMs.
    const t1 = new Date(t0.getTime() + 20_000)
    let started = false
    void runWithLease(database.db, job('c'), t1, () => {
      started = true
      return new Promise(() => {})
    })
    await expect.poll(() => started).toBe(true)
    expect(await runWithLease(database.db, job('d'), new Date(t1.getTime() + 30_000), async () => {})).toBe(false)
    expect(await runWithLease(database.db, job('d'), new Date(t1.getTime() + 60_000), async () => {})).toBe(true)
  })
})
