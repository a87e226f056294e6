import { sql, type SQL } from 'drizzle-orm'
import type { ProgressAck, ProgressReportBody } from '@app/shared'
import type { Rows } from '../../db/pipelined-transaction.ts'

// The SQL of a progress batch (report-batch.ts): one statement that reads and locks everything the
// batch needs, and one that writes everything it changed.

/** One report as received: who sent it (access-token claims), to which session, and when. */
export interface ReportItem {
  userId: number
  authSessionId: string
  authSessionVersion: number
  sessionId: string
  body: ProgressReportBody
  now: Date
}

export interface Row {
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
export function readBatchState(items: ReportItem[]): SQL {
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

export function parseBatchState(result: Rows): { rows: Map<string, Row>; auth: Map<string, AuthState> } {
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
export function writeBatch(rows: Row[], reports: Array<{ sessionId: string; seq: number; positionMs: number; creditedMs: number; at: Date; ack: ProgressAck }>): SQL {
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
