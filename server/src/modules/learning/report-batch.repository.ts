import { and, eq, gte, lte } from 'drizzle-orm'
import type { ProgressAck } from '@app/shared'
import type { Rows } from '../../db/pipelined-transaction.ts'
import { progressReports } from '../../db/schema/learning.ts'
import type { ChapterFacts, LearnerState, ProgressState, SessionState, Tx } from './learning.types.ts'
import { pgArrayLiteral as column, pgJsonArrayLiteral } from '../../db/pg-array.ts'
import { statement, type Statement } from '../../db/statement.ts'

// The SQL of a progress batch (report-batch.service.ts): a statement that locks the batch's
// learners, one that reads everything the batch needs, and one that writes everything it changed.
// Hand-written, and not through drizzle's `sql` (db/statement.ts): they run for every batch, and a
// query builder's per-call work showed in the profile of bench:progress.

/** The sign-in session a report came with, as the database has it. */
export interface SignInState {
  userId: number
  revokedAt: Date | null
  expiresAt: Date
  version: number
}

export interface BatchState {
  sessions: Map<string, SessionState>
  /** By `progressKey`. */
  progress: Map<string, ProgressState>
  learners: Map<number, LearnerState>
  chapters: Map<number, ChapterFacts>
  signIns: Map<string, SignInState>
}

/** A report as the batch stores it: its answer is what a resent report gets back. */
export interface StoredReport {
  sessionId: string
  seq: number
  positionMs: number
  creditedMs: number
  at: Date
  ack: ProgressAck
}

export const progressKey = (userId: number, chapterId: number) => `${userId}:${chapterId}`

/**
 * Locks the learner rows of the batch's senders (the users their access tokens name), in user order
 * so concurrent batches cannot deadlock. Every change to a learner's progress (reports, session
 * opens, answers) takes this lock first, so the read that follows — a new statement, hence a fresh
 * snapshot — sees the learner's latest state and nothing changes it until the batch commits. A
 * report to a session its sender does not own is refused and writes nothing, so locking the
 * sender's row rather than the session owner's covers everything the batch writes, with a primary
 * key lookup instead of a join through playback_sessions.
 */
export function lockLearners(userIds: number[]): Statement {
  const ids = [...new Set(userIds)].filter(Number.isSafeInteger).sort((a, b) => a - b)
  return statement`select user_id from anti_idle_state where user_id = any(${column(ids)}::int[]) order by user_id for update`
}

/**
 * The playback sessions of the batch with their chapter progress, learner state and chapter, and
 * the sign-in sessions the reports came with (a signed-out or reset account is refused), in one
 * round trip.
 */
export function readBatchState(pairs: Array<{ sessionId: string; authSessionId: string }>): Statement {
  const unique = [...new Map(pairs.map((p) => [`${p.sessionId}|${p.authSessionId}`, p])).values()]
  return statement`
    select s.id, s.user_id, s.chapter_id, s.status, s.opened_at, s.last_seq, s.last_client_ms, s.credited_ms as session_credited_ms, s.last_report_at,
      p.credited_ms, p.furthest_ms, p.completed_at, p.updated_at, p.checkpoint_ms, p.checkpoint_epoch,
      a.credit_clock_at, a.credited_since_question_ms, a.next_due_ms, a.pending_question_id, a.pending_since, a.pending_chapter_id, a.correct_answers, a.last_answer_at,
      ch.duration_seconds, ch.course_id, c.hours as course_hours, c.project_id, pr.required_hours,
      exists (select 1 from enrollments e where e.user_id = s.user_id and e.project_id = c.project_id and e.status = 'active' and e.completed_at is not null) as plan_completed,
      q.auth_id, au.user_id as auth_user_id, au.revoked_at as auth_revoked_at, au.expires_at as auth_expires_at, u.session_version
    from unnest(${column(unique.map((p) => p.sessionId))}::uuid[], ${column(unique.map((p) => p.authSessionId))}::uuid[]) as q(session_id, auth_id)
    join playback_sessions s on s.id = q.session_id
    join chapters ch on ch.id = s.chapter_id
    join courses c on c.id = ch.course_id
    join projects pr on pr.id = c.project_id
    join chapter_progress p on p.user_id = s.user_id and p.chapter_id = s.chapter_id
    join anti_idle_state a on a.user_id = s.user_id
    left join sessions au on au.id = q.auth_id
    left join users u on u.id = au.user_id`
}

const date = (v: unknown) => (v === null || v === undefined ? null : v instanceof Date ? v : new Date(String(v)))
const intOrNull = (v: unknown) => (v === null || v === undefined ? null : Number(v))

export function parseBatchState(result: Rows): BatchState {
  const state: BatchState = { sessions: new Map(), progress: new Map(), learners: new Map(), chapters: new Map(), signIns: new Map() }
  for (const r of result) {
    if (r.auth_user_id !== null) {
      state.signIns.set(String(r.auth_id), {
        userId: Number(r.auth_user_id),
        revokedAt: date(r.auth_revoked_at),
        expiresAt: date(r.auth_expires_at) as Date,
        version: Number(r.session_version),
      })
    }
    const userId = Number(r.user_id)
    const chapterId = Number(r.chapter_id)
    state.sessions.set(String(r.id), {
      id: String(r.id),
      userId,
      chapterId,
      status: r.status as SessionState['status'],
      openedAt: date(r.opened_at) as Date,
      lastSeq: Number(r.last_seq),
      lastClientMs: Number(r.last_client_ms),
      creditedMs: Number(r.session_credited_ms),
      lastReportAt: date(r.last_report_at),
    })
    state.progress.set(progressKey(userId, chapterId), {
      userId,
      chapterId,
      creditedMs: Number(r.credited_ms),
      furthestMs: Number(r.furthest_ms),
      completedAt: date(r.completed_at),
      updatedAt: date(r.updated_at) as Date,
      checkpointMs: Number(r.checkpoint_ms),
      checkpointEpoch: Number(r.checkpoint_epoch),
    })
    state.learners.set(userId, {
      userId,
      creditClockAt: date(r.credit_clock_at),
      creditedSinceQuestionMs: Number(r.credited_since_question_ms),
      nextDueMs: Number(r.next_due_ms),
      pendingQuestionId: intOrNull(r.pending_question_id),
      pendingSince: date(r.pending_since),
      pendingChapterId: intOrNull(r.pending_chapter_id),
      correctAnswers: Number(r.correct_answers),
      lastAnswerAt: date(r.last_answer_at),
    })
    state.chapters.set(chapterId, {
      id: chapterId,
      durationSeconds: Number(r.duration_seconds),
      courseId: Number(r.course_id),
      courseHours: Number(r.course_hours),
      projectId: Number(r.project_id),
      requiredHours: Number(r.required_hours),
      planCompleted: r.plan_completed === true || r.plan_completed === 't',
    })
  }
  return state
}

/** Servers' clocks may differ a little: a stored report is looked for this far outside its session's times. */
const CLOCK_SLACK_MS = 60 * 60_000

/**
 * The answer stored for a report sent before (a resent report gets it again). Bounded by when
 * the session opened and now, so only the partitions of those days of progress_reports are read.
 */
export async function storedAck(tx: Tx, session: Pick<SessionState, 'id' | 'openedAt'>, seq: number, now: Date): Promise<ProgressAck | undefined> {
  const [row] = await tx
    .select({ ack: progressReports.ack })
    .from(progressReports)
    .where(
      and(
        eq(progressReports.sessionId, session.id),
        eq(progressReports.seq, seq),
        gte(progressReports.receivedAt, new Date(session.openedAt.getTime() - CLOCK_SLACK_MS)),
        lte(progressReports.receivedAt, new Date(now.getTime() + CLOCK_SLACK_MS)),
      ),
    )
  return row?.ack as ProgressAck | undefined
}

const iso = (d: Date | null) => d?.toISOString() ?? null

/**
 * Writes the batch's new state of sessions, chapter progress and learners, and inserts its
 * reports, in ONE statement. A session with new reports is due for compaction again
 * (compacted_at = null; already null for all but its first report after a compaction, so the
 * update stays HOT). Rows travel as one array parameter per column, zipped by `unnest`, so the
 * statement is the same whatever the batch size (and costs no per-row query building); arrays
 * cost the database less than JSON rows (no jsonb tree to build; docs/deployment.md, "Fourth pass").
 */
export function writeBatch(
  changes: { sessions: SessionState[]; progress: ProgressState[]; learners: LearnerState[] },
  reports: StoredReport[],
): Statement {
  const { sessions, progress, learners } = changes
  // Each update also says `key = any(the batch's keys)`: the planner estimates a function's rows
  // (unnest included) without seeing the parameter, and against a table of a few thousand rows it
  // then preferred hashing a sequential scan of the whole table to index probes (seen on the
  // synthetic year: anti_idle_state, 20,000 rows, read whole by every batch, 2.9 ms of a 10-report
  // batch's 4 ms). `key = any(array)` gives it an index scan of the batch's rows at any table size.
  const sessionIds = column(sessions.map((x) => x.id))
  const progressUserIds = column(progress.map((p) => p.userId))
  const learnerIds = column(learners.map((a) => a.userId))
  return statement`
    with s as (
      update playback_sessions t set last_seq = v.last_seq, last_client_ms = v.last_client_ms, credited_ms = v.credited_ms, last_report_at = v.last_report_at,
        compacted_at = null
      from unnest(${sessionIds}::uuid[], ${column(sessions.map((x) => x.lastSeq))}::int[], ${column(sessions.map((x) => x.lastClientMs))}::int[],
        ${column(sessions.map((x) => x.creditedMs))}::int[], ${column(sessions.map((x) => iso(x.lastReportAt)))}::timestamptz[])
        as v(id, last_seq, last_client_ms, credited_ms, last_report_at)
      where t.id = v.id and t.id = any(${sessionIds}::uuid[])
    ),
    p as (
      update chapter_progress t set credited_ms = v.credited_ms, furthest_ms = v.furthest_ms, completed_at = v.completed_at,
        updated_at = v.updated_at, checkpoint_ms = v.checkpoint_ms, checkpoint_epoch = v.checkpoint_epoch
      from unnest(${progressUserIds}::int[], ${column(progress.map((p) => p.chapterId))}::int[], ${column(progress.map((p) => p.creditedMs))}::int[],
        ${column(progress.map((p) => p.furthestMs))}::int[], ${column(progress.map((p) => iso(p.completedAt)))}::timestamptz[],
        ${column(progress.map((p) => iso(p.updatedAt)))}::timestamptz[], ${column(progress.map((p) => p.checkpointMs))}::int[],
        ${column(progress.map((p) => p.checkpointEpoch))}::int[])
        as v(user_id, chapter_id, credited_ms, furthest_ms, completed_at, updated_at, checkpoint_ms, checkpoint_epoch)
      where t.user_id = v.user_id and t.chapter_id = v.chapter_id and t.user_id = any(${progressUserIds}::int[])
    ),
    a as (
      update anti_idle_state t set credit_clock_at = v.credit_clock_at, credited_since_question_ms = v.credited_since_question_ms,
        pending_question_id = v.pending_question_id, pending_since = v.pending_since, pending_chapter_id = v.pending_chapter_id
      from unnest(${learnerIds}::int[], ${column(learners.map((a) => iso(a.creditClockAt)))}::timestamptz[], ${column(learners.map((a) => a.creditedSinceQuestionMs))}::int[],
        ${column(learners.map((a) => a.pendingQuestionId))}::int[], ${column(learners.map((a) => iso(a.pendingSince)))}::timestamptz[],
        ${column(learners.map((a) => a.pendingChapterId))}::int[])
        as v(user_id, credit_clock_at, credited_since_question_ms, pending_question_id, pending_since, pending_chapter_id)
      where t.user_id = v.user_id and t.user_id = any(${learnerIds}::int[])
    )
    insert into progress_reports (session_id, seq, position_ms, credited_ms, received_at, ack)
    select * from unnest(${column(reports.map((r) => r.sessionId))}::uuid[], ${column(reports.map((r) => r.seq))}::int[], ${column(reports.map((r) => r.positionMs))}::int[],
      ${column(reports.map((r) => r.creditedMs))}::int[], ${column(reports.map((r) => r.at.toISOString()))}::timestamptz[], ${pgJsonArrayLiteral(reports.map((r) => r.ack))}::jsonb[])`
}
