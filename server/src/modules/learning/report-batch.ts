import { and, eq, sql, type SQL } from 'drizzle-orm'
import type { ProgressAck, ProgressReportBody } from '@app/shared'
import type { PipelinedTransaction, Rows } from '../../db/pipelined-transaction.ts'
import { progressReports } from '../../db/schema.ts'
import { SessionExpiredError } from '../auth/auth.errors.ts'
import { pickQuestion, publicQuestion } from './anti-idle.ts'
import { decideCredit } from './crediting.ts'
import { PlaybackNotFoundError, PlaybackSupersededError } from './learning.errors.ts'
import type { Tx } from './learning.types.ts'
import { chapterProgressOf, completeCourseAndPlan, isChapterWatched } from './progress.repository.ts'

/** One report as received: who sent it (access-token claims), to which session, and when. */
export interface ReportItem {
  userId: number
  authSessionId: string
  authSessionVersion: number
  sessionId: string
  body: ProgressReportBody
  now: Date
}

interface Row {
  session: {
    id: string
    userId: number
    chapterId: number
    status: 'active' | 'superseded'
    openedAt: Date
    lastSeq: number
    lastClientMs: number
    creditedMs: number
    lastReportAt: Date | null
  }
  progress: { userId: number; chapterId: number; creditedMs: number; furthestMs: number; completedAt: Date | null; updatedAt: Date } | null
  antiIdle: { userId: number; creditedSinceQuestionMs: number; nextDueMs: number; pendingQuestionId: number | null; pendingSince: Date | null } | null
  chapter: { id: number; durationSeconds: number; courseId: number }
  courseHours: number
  projectId: number
  requiredHours: number
}

const date = (v: unknown) => (v === null || v === undefined ? null : v instanceof Date ? v : new Date(String(v)))

type AuthState = { userId: number; revokedAt: Date | null; expiresAt: Date; version: number }

/**
 * The playback sessions of the batch with everything a report needs, locked for the transaction,
 * and the sign-in sessions the reports came with (a signed-out or reset account is refused) — in
 * one round trip. Hand-written SQL: it runs for every batch, and a query builder's per-call work
 * showed in the profile of bench:progress.
 */
function readBatchState(items: ReportItem[]): SQL {
  const pairs = JSON.stringify([...new Set(items.map((i) => `${i.sessionId}|${i.authSessionId}`))].map((k) => k.split('|')))
  return sql`
    select s.id, s.user_id, s.chapter_id, s.status, s.opened_at, s.last_seq, s.last_client_ms, s.credited_ms as session_credited_ms, s.last_report_at,
      p.user_id as p_user_id, p.credited_ms, p.furthest_ms, p.completed_at, p.updated_at,
      a.user_id as a_user_id, a.credited_since_question_ms, a.next_due_ms, a.pending_question_id, a.pending_since,
      ch.duration_seconds, ch.course_id, c.hours as course_hours, c.project_id, pr.required_hours,
      q.auth_id, au.user_id as auth_user_id, au.revoked_at as auth_revoked_at, au.expires_at as auth_expires_at, u.session_version
    from (select x->>0 as session_id, x->>1 as auth_id from jsonb_array_elements(${pairs}::jsonb) as x) q
    join playback_sessions s on s.id = q.session_id::uuid
    join chapters ch on ch.id = s.chapter_id
    join courses c on c.id = ch.course_id
    join projects pr on pr.id = c.project_id
    left join chapter_progress p on p.user_id = s.user_id and p.chapter_id = s.chapter_id
    left join anti_idle_state a on a.user_id = s.user_id
    left join sessions au on au.id = q.auth_id::uuid
    left join users u on u.id = au.user_id
    order by s.id
    for update of s` // one lock order for every batch, so concurrent batches cannot deadlock
}

function parseBatchState(result: Rows): { rows: Map<string, Row>; auth: Map<string, AuthState> } {
  const rows = new Map<string, Row>()
  const auth = new Map<string, AuthState>()
  for (const r of result) {
    if (r.auth_user_id !== null) {
      auth.set(String(r.auth_id), {
        userId: Number(r.auth_user_id),
        revokedAt: date(r.auth_revoked_at),
        expiresAt: date(r.auth_expires_at) as Date,
        version: Number(r.session_version),
      })
    }
    const id = String(r.id)
    if (rows.has(id)) continue
    rows.set(id, {
      session: {
        id,
        userId: Number(r.user_id),
        chapterId: Number(r.chapter_id),
        status: r.status as 'active' | 'superseded',
        openedAt: date(r.opened_at) as Date,
        lastSeq: Number(r.last_seq),
        lastClientMs: Number(r.last_client_ms),
        creditedMs: Number(r.session_credited_ms),
        lastReportAt: date(r.last_report_at),
      },
      progress:
        r.p_user_id === null
          ? null
          : {
              userId: Number(r.p_user_id),
              chapterId: Number(r.chapter_id),
              creditedMs: Number(r.credited_ms),
              furthestMs: Number(r.furthest_ms),
              completedAt: date(r.completed_at),
              updatedAt: date(r.updated_at) as Date,
            },
      antiIdle:
        r.a_user_id === null
          ? null
          : {
              userId: Number(r.a_user_id),
              creditedSinceQuestionMs: Number(r.credited_since_question_ms),
              nextDueMs: Number(r.next_due_ms),
              pendingQuestionId: r.pending_question_id === null ? null : Number(r.pending_question_id),
              pendingSince: date(r.pending_since),
            },
      chapter: { id: Number(r.chapter_id), durationSeconds: Number(r.duration_seconds), courseId: Number(r.course_id) },
      courseHours: Number(r.course_hours),
      projectId: Number(r.project_id),
      requiredHours: Number(r.required_hours),
    })
  }
  return { rows, auth }
}

/**
 * Writes the batch's final state of every touched session, chapter progress and anti-idle row, and
 * inserts its reports, in ONE statement. Rows travel as two JSON parameters unpacked by
 * jsonb_to_recordset, so the statement is the same size whatever the batch size (and costs no
 * per-row query building).
 */
function writeBatch(rows: Row[], reports: Array<{ sessionId: string; seq: number; positionMs: number; creditedMs: number; at: Date; ack: ProgressAck }>): SQL {
  const state = JSON.stringify(
    rows.map((r) => {
      const p = r.progress as NonNullable<Row['progress']>
      const a = r.antiIdle as NonNullable<Row['antiIdle']>
      return {
        session_id: r.session.id,
        last_seq: r.session.lastSeq,
        last_client_ms: r.session.lastClientMs,
        session_credited_ms: r.session.creditedMs,
        last_report_at: r.session.lastReportAt?.toISOString() ?? null,
        user_id: r.session.userId,
        chapter_id: r.session.chapterId,
        credited_ms: p.creditedMs,
        furthest_ms: p.furthestMs,
        completed_at: p.completedAt?.toISOString() ?? null,
        updated_at: p.updatedAt.toISOString(),
        credited_since_question_ms: a.creditedSinceQuestionMs,
        pending_question_id: a.pendingQuestionId,
        pending_since: a.pendingSince?.toISOString() ?? null,
      }
    }),
  )
  const inserted = JSON.stringify(
    reports.map((r) => ({ session_id: r.sessionId, seq: r.seq, position_ms: r.positionMs, credited_ms: r.creditedMs, received_at: r.at.toISOString(), ack: r.ack })),
  )
  return sql`
    with v as (
      select * from jsonb_to_recordset(${state}::jsonb) as x(
        session_id uuid, last_seq int, last_client_ms int, session_credited_ms int, last_report_at timestamptz,
        user_id int, chapter_id int, credited_ms int, furthest_ms int, completed_at timestamptz, updated_at timestamptz,
        credited_since_question_ms int, pending_question_id int, pending_since timestamptz)
    ),
    s as (
      update playback_sessions t set last_seq = v.last_seq, last_client_ms = v.last_client_ms,
        credited_ms = v.session_credited_ms, last_report_at = v.last_report_at
      from v where t.id = v.session_id
    ),
    p as (
      update chapter_progress t set credited_ms = v.credited_ms, furthest_ms = v.furthest_ms,
        completed_at = v.completed_at, updated_at = v.updated_at
      from v where t.user_id = v.user_id and t.chapter_id = v.chapter_id
    ),
    a as (
      update anti_idle_state t set credited_since_question_ms = v.credited_since_question_ms,
        pending_question_id = v.pending_question_id, pending_since = v.pending_since
      from v where t.user_id = v.user_id
    )
    insert into progress_reports (session_id, seq, position_ms, credited_ms, received_at, ack)
    select session_id, seq, position_ms, credited_ms, received_at, ack
    from jsonb_to_recordset(${inserted}::jsonb) as r(session_id uuid, seq int, position_ms int, credited_ms int, received_at timestamptz, ack jsonb)`
}

/**
 * Processes a batch of progress reports in ONE transaction (LRN-4 … LRN-7): the sessions are
 * locked, each report is credited in arrival order by the rule of crediting.ts, and all changes
 * (credit, completions, anti-idle questions, stored answers for replays) are written with one
 * multi-row statement (a few when a chapter completes). On PostgreSQL the usual batch costs two
 * round trips: BEGIN + read, write + COMMIT. A report's answer is only released after the commit.
 */
export async function processReportBatch(pipelined: PipelinedTransaction, items: ReportItem[]): Promise<Array<ProgressAck | Error>> {
  return pipelined({ read: readBatchState(items), decide: (inTx, result) => creditBatch(inTx, items, parseBatchState(result)) })
}

/** Credits a locked batch; returns every report's answer and the statement that stores it all. */
async function creditBatch(
  inTx: () => Tx,
  items: ReportItem[],
  { rows, auth }: ReturnType<typeof parseBatchState>,
): Promise<{ result: Array<ProgressAck | Error>; write: SQL | null }> {
  const results: Array<ProgressAck | Error> = []
  const touched = new Set<Row>()
  const newReports: Array<{ sessionId: string; seq: number; positionMs: number; creditedMs: number; at: Date; ack: ProgressAck; questionId: number | null }> = []
  const replays: Array<{ index: number; sessionId: string; seq: number }> = []
  const completions: Array<{ index: number; row: Row; now: Date }> = []

  for (const [index, item] of items.entries()) {
    const who = auth.get(item.authSessionId)
    if (!who || who.userId !== item.userId || who.revokedAt || who.expiresAt <= item.now || who.version !== item.authSessionVersion) {
      results.push(new SessionExpiredError())
      continue
    }
    const row = rows.get(item.sessionId)
    if (!row || row.session.userId !== item.userId || !row.progress || !row.antiIdle) {
      results.push(new PlaybackNotFoundError())
      continue
    }
    if (row.session.status !== 'active') {
      results.push(new PlaybackSupersededError())
      continue
    }
    const { session, progress, antiIdle: idle } = row
    const { body, now } = item
    if (body.seq <= session.lastSeq) {
      // Sent again (a lost answer, a reload): the first answer is returned, nothing is credited.
      results.push(new Error('replay placeholder'))
      replays.push({ index, sessionId: session.id, seq: body.seq })
      continue
    }

    const positionMs = Math.round(body.positionSeconds * 1000)
    const decision = decideCredit(
      {
        furthestMs: progress.furthestMs,
        durationMs: row.chapter.durationSeconds * 1000,
        lastClientMs: session.lastClientMs,
        sessionCreditedMs: session.creditedMs,
        serverElapsedMs: now.getTime() - session.openedAt.getTime(),
      },
      { positionMs, clientElapsedMs: body.clientElapsedMs },
    )
    let creditMs = 0
    let rewindToMs = decision.rewindToMs
    if (idle.pendingQuestionId !== null) {
      // Nothing is credited while a question waits for its answer.
      rewindToMs = positionMs > progress.furthestMs ? progress.furthestMs : null
    } else if (decision.kind === 'credit') {
      creditMs = decision.creditMs
      const untilQuestion = idle.nextDueMs - idle.creditedSinceQuestionMs
      if (creditMs >= untilQuestion) {
        const questionId = await pickQuestion(inTx(), row.chapter.courseId, null)
        if (questionId !== null) {
          // Credit stops at the moment the question falls due; the player pauses there.
          creditMs = Math.max(0, untilQuestion)
          rewindToMs = progress.furthestMs + creditMs
          idle.pendingQuestionId = questionId
          idle.pendingSince = now
          idle.creditedSinceQuestionMs += creditMs
        } else {
          idle.creditedSinceQuestionMs = 0 // a course without a question bank: nothing to ask
        }
      } else {
        idle.creditedSinceQuestionMs += creditMs
      }
    }

    progress.creditedMs += creditMs
    progress.furthestMs += creditMs
    const justCompleted = !progress.completedAt && isChapterWatched(progress, row.chapter.durationSeconds)
    if (justCompleted) progress.completedAt = now
    if (creditMs > 0 || justCompleted) progress.updatedAt = now
    session.lastSeq = body.seq
    // A refused report (too fast, stale) does not move the base: the next honest report is
    // measured from the last accepted one.
    if (!(decision.kind === 'none' && (decision.reason === 'too_fast' || decision.reason === 'stale'))) {
      session.lastClientMs = Math.max(session.lastClientMs, decision.clientMs)
    }
    session.creditedMs += creditMs
    session.lastReportAt = now
    touched.add(row)

    const ack: ProgressAck = {
      seq: body.seq,
      creditedNow: creditMs / 1000,
      chapter: chapterProgressOf(row.chapter.id, progress),
      rewindTo: rewindToMs === null ? null : rewindToMs / 1000,
      question: null,
      courseCompleted: false,
      planCompleted: false,
    }
    results.push(ack)
    newReports.push({ sessionId: session.id, seq: body.seq, positionMs, creditedMs: creditMs, at: now, ack, questionId: idle.pendingQuestionId })
    if (justCompleted) completions.push({ index, row, now })
  }

  // Question texts are looked up first, so the stored answers (for replays) include them.
  const questionIds = [...new Set(newReports.map((r) => r.questionId).filter((id): id is number => id !== null))]
  const shown = new Map<number, Awaited<ReturnType<typeof publicQuestion>>>()
  for (const id of questionIds) shown.set(id, await publicQuestion(inTx(), id))
  for (const report of newReports) report.ack.question = report.questionId === null ? null : (shown.get(report.questionId) ?? null)

  for (const replay of replays) {
    const inBatch = newReports.find((r) => r.sessionId === replay.sessionId && r.seq === replay.seq)
    const [stored] = inBatch
      ? [{ ack: inBatch.ack }]
      : await inTx()
          .select({ ack: progressReports.ack })
          .from(progressReports)
          .where(and(eq(progressReports.sessionId, replay.sessionId), eq(progressReports.seq, replay.seq)))
    const row = rows.get(replay.sessionId) as Row
    results[replay.index] = (stored?.ack as ProgressAck | undefined) ?? {
      seq: replay.seq,
      creditedNow: 0,
      chapter: chapterProgressOf(row.chapter.id, row.progress ?? undefined),
      rewindTo: null,
      question: null,
      courseCompleted: false,
      planCompleted: false,
    }
  }

  const changed = [...touched]
  if (completions.length === 0) {
    // The usual batch: one statement, sent together with COMMIT.
    return { result: results, write: changed.length > 0 || newReports.length > 0 ? writeBatch(changed, newReports) : null }
  }
  // Course and plan completion read the chapters' progress, so it is written first; all in
  // this same transaction as the report that completes them (LRN-6).
  const tx = inTx()
  await tx.execute(writeBatch(changed, []))
  for (const { index, row, now } of completions) {
    const outcome = await completeCourseAndPlan(
      tx,
      { userId: row.session.userId, courseId: row.chapter.courseId, courseHours: row.courseHours, projectId: row.projectId, requiredHours: row.requiredHours },
      now,
    )
    // The same object as the stored answer, so a replay of this report says so too.
    Object.assign(results[index] as ProgressAck, outcome)
  }
  return { result: results, write: writeBatch([], newReports) }
}
