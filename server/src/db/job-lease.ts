import { randomUUID } from 'node:crypto'
import { and, eq, lte } from 'drizzle-orm'
import type { AppDb } from './client.ts'
import { periodicJobLeases } from './schema.ts'

/** This process's name as a lease holder. */
export const PROCESS_HOLDER = `${process.pid}-${randomUUID().slice(0, 8)}`

export interface PeriodicJob {
  name: string
  /** The job's period: after a round, no instance starts another before this much time has passed. */
  everyMs: number
  /** Longest a round may take; a holder that died mid-round is replaced after this. */
  maxRunMs: number
  holder?: string
}

/**
 * Runs `work` only if this holder gets the job's lease (free or expired). Every instance runs the
 * same timer; for each period one of them does the round, the others skip it. While the round
 * runs the lease lasts maxRunMs (so a killed holder is replaced after that); when it ends the
 * lease is kept until the period is over. Returns whether the work ran.
 */
export async function runWithLease(db: AppDb, job: PeriodicJob, now: Date, work: () => Promise<unknown>): Promise<boolean> {
  const holder = job.holder ?? PROCESS_HOLDER
  const until = new Date(now.getTime() + job.maxRunMs)
  const taken = await db
    .insert(periodicJobLeases)
    .values({ name: job.name, holder, leaseUntil: until })
    .onConflictDoUpdate({
      target: periodicJobLeases.name,
      set: { holder, leaseUntil: until },
      setWhere: lte(periodicJobLeases.leaseUntil, now),
    })
    .returning({ holder: periodicJobLeases.holder })
  if (taken.length === 0) return false
  try {
    await work()
  } finally {
    await db
      .update(periodicJobLeases)
      .set({ leaseUntil: new Date(now.getTime() + job.everyMs) })
      .where(and(eq(periodicJobLeases.name, job.name), eq(periodicJobLeases.holder, holder)))
  }
  return true
}
