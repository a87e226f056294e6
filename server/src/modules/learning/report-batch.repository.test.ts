import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../../test/app.ts'
import { rowsOf } from '../../db/pipelined-transaction.ts'
import { asSql, type Statement } from '../../db/statement.ts'
import type { LearnerState, Tx } from './learning.types.ts'
import { lockLearners, writeBatch } from './report-batch.repository.ts'

// Every progress batch runs these statements, so their plans must stay index lookups of the
// batch's own rows whatever the size of the tables. A function's rows (the batch's unnest, and
// jsonb_to_recordset before it) are estimated without seeing its parameter; against a table of
// some thousands of rows the planner used to prefer hashing a sequential scan of all of
// anti_idle_state (seen on the synthetic year: 2.9 ms of a 4 ms batch).

let t: TestApp
beforeAll(async () => {
  t = await buildTestApp()
}, 180_000)
afterAll(async () => t.close())

const learner = (userId: number): LearnerState => ({
  userId,
  creditClockAt: new Date('2026-12-05T10:00:00Z'),
  creditedSinceQuestionMs: 10_000,
  nextDueMs: 600_000,
  pendingQuestionId: null,
  pendingSince: null,
  pendingChapterId: null,
  correctAnswers: 0,
  lastAnswerAt: null,
})

/** The plan of `statement` with 20,000 learners in anti_idle_state (all rolled back). */
async function planWithManyLearners(statement: (userIds: number[]) => Statement): Promise<string> {
  let plan = ''
  await t.database.db
    .transaction(async (tx: Tx) => {
      await tx.execute(sql`insert into users (real_name, password_hash) select 'plan test', 'x' from generate_series(1, 20000)`)
      await tx.execute(sql`insert into anti_idle_state (user_id, next_due_ms) select u.id, 600000 from users u where not exists (select 1 from anti_idle_state a where a.user_id = u.id)`)
      await tx.execute(sql`analyze anti_idle_state`)
      const ids = rowsOf(await tx.execute(sql`select user_id from anti_idle_state order by user_id desc limit 10`)).map((r) => Number(r.user_id))
      plan = rowsOf(await tx.execute(sql`explain ${asSql(statement(ids))}`))
        .map((r) => String(Object.values(r)[0]))
        .join('\n')
      throw new Error('rollback')
    })
    .catch((error: unknown) => {
      if (!(error instanceof Error) || error.message !== 'rollback') throw error
    })
  return plan
}

describe('the statements of a progress batch on a large anti_idle_state', () => {
  it('the write updates the batch’s learners through the primary key, not a scan of every learner', async () => {
    const plan = await planWithManyLearners((ids) => writeBatch({ sessions: [], progress: [], learners: ids.map(learner) }, []))
    expect(plan).toMatch(/Update on anti_idle_state/)
    expect(plan).toMatch(/Index Scan using anti_idle_state_pkey/)
    expect(plan).not.toMatch(/Seq Scan on anti_idle_state/)
  })

  it('the lock takes the batch’s learners through the primary key', async () => {
    const plan = await planWithManyLearners((ids) => lockLearners(ids))
    expect(plan).toMatch(/anti_idle_state_pkey/)
    expect(plan).not.toMatch(/Seq Scan on anti_idle_state/)
  })
})
