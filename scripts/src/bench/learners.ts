import { createHmac, randomUUID } from 'node:crypto'
import postgres from 'postgres'
import { idNumberCheckChar } from '@app/shared/id-number'
import { PRIVACY_POLICY_VERSION } from '@app/shared/privacy-policy'
import type { Client } from './load.ts'

/**
 * Learners for the progress loads (bench:progress, the cluster's load and fault tests): written
 * straight into the database with a sign-in session and a paid enrolment, then playing one chapter
 * and reporting as the H5 does.
 */

const b64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url')

/** An HS256 access token as the server's @fastify/jwt signs them (the loads skip scrypt sign-ins). */
export function accessToken(jwtSecret: string, uid: number, sid: string): string {
  const now = Math.floor(Date.now() / 1000)
  const unsigned = `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url({ uid, sid, sv: 1, iat: now, exp: now + 3600 })}`
  return `${unsigned}.${createHmac('sha256', jwtSecret).update(unsigned).digest('base64url')}`
}

/** Learners with sign-in sessions and a paid enrolment in the first project, and its longest chapter. */
export async function prepareLearners(databaseUrl: string, jwtSecret: string, count: number, offset = 0) {
  const sql = postgres(databaseUrl, { max: 2, onnotice: () => {} })
  try {
    const [project] = await sql<{ id: number; price_fen: number }[]>`select id, price_fen from projects order by id limit 1`
    const [chapter] = await sql<{ id: number; duration_seconds: number }[]>`
      select ch.id, ch.duration_seconds from chapters ch join courses c on c.id = ch.course_id
      where c.project_id = ${project!.id} order by ch.duration_seconds desc limit 1`
    const learners: Array<{ uid: number; token: string }> = []
    for (let n = offset; n < offset + count; n++) {
      const first17 = `5001031990${String(1 + (n % 12)).padStart(2, '0')}${String(1 + (n % 28)).padStart(2, '0')}${String(n % 1000).padStart(3, '0')}`
      const [user] = await sql<{ id: number }[]>`
        insert into users (real_name, id_number, phone, password_hash) values ('压测学员', ${first17 + idNumberCheckChar(first17)}, ${`139${String(n).padStart(8, '0')}`}, 'scrypt$disabled')
        returning id`
      const sid = randomUUID()
      await sql`insert into sessions (id, user_id, expires_at) values (${sid}, ${user!.id}, now() + interval '1 day')`
      // A learner who registered through 注册 has consented to the current 隐私政策 (else 403 CONSENT_REQUIRED).
      await sql`insert into consents (user_id, policy_version, kind, granted_at, client) values (${user!.id}, ${PRIVACY_POLICY_VERSION}, 'policy', now(), 'register'), (${user!.id}, ${PRIVACY_POLICY_VERSION}, 'sensitive_id', now(), 'register')`
      const [order] = await sql<{ id: number }[]>`
        insert into orders (out_trade_no, buyer_user_id, kind, project_id, unit_price_fen, quantity, amount_fen, status, invoice, created_at, expires_at, paid_at)
        values (${`LOAD${n}${Date.now()}`}, ${user!.id}, 'individual', ${project!.id}, ${project!.price_fen}, 1, ${project!.price_fen}, 'paid', ${sql.json({ choice: 'later' })}, now(), now(), now())
        returning id`
      await sql`insert into order_items (order_id, learner_user_id, project_id) values (${order!.id}, ${user!.id}, ${project!.id})`
      await sql`insert into enrollments (user_id, project_id, order_id, status, created_at) values (${user!.id}, ${project!.id}, ${order!.id}, 'active', now())`
      learners.push({ uid: user!.id, token: accessToken(jwtSecret, user!.id, sid) })
    }
    return { learners, chapter: chapter! }
  } finally {
    await sql.end({ timeout: 5 })
  }
}

export type PreparedLearners = Awaited<ReturnType<typeof prepareLearners>>

/** A learner with a playback session open; `seq` is the number of their last report. */
export interface PlayingLearner {
  uid: number
  token: string
  sessionId: string
  openedAt: number
  seq: number
}

/** Opens the learner's playback session on the chapter (the server answers 201 with its id). */
export async function openPlayback(client: Client, learner: { uid: number; token: string }, chapterId: number): Promise<PlayingLearner> {
  const res = await client.request('POST', `/api/learning/chapters/${chapterId}/sessions`, undefined, { authorization: `Bearer ${learner.token}` })
  if (res.status !== 201) throw new Error(`open session: ${res.status} ${res.body}`)
  return { ...learner, sessionId: (JSON.parse(res.body) as { sessionId: string }).sessionId, openedAt: performance.now(), seq: 0 }
}

/** Sends the learner's report number `seq` for a video playing since the session opened (never past `maxPosition`). */
export function postReport(client: Client, learner: PlayingLearner, maxPosition: number) {
  const elapsed = Math.round(performance.now() - learner.openedAt)
  return client.request(
    'POST',
    `/api/learning/sessions/${learner.sessionId}/reports`,
    { seq: learner.seq, positionSeconds: Math.min(maxPosition, elapsed / 1000), clientElapsedMs: elapsed, playing: true },
    { authorization: `Bearer ${learner.token}` },
  )
}

/** How many reports of the acknowledged reports' sessions are stored, and how many of the acknowledged ones are not. */
export async function storedReports(sql: postgres.Sql, acknowledged: Array<{ sessionId: string; seq: number }>) {
  // Only these sessions' rows: the database may hold a year of other reports (bench:synth-year).
  const sessionIds = [...new Set(acknowledged.map((a) => a.sessionId))]
  const stored = await sql<{ session_id: string; seq: number }[]>`select session_id, seq from progress_reports where session_id = any(${sessionIds}::uuid[])`
  const have = new Set(stored.map((r) => `${r.session_id}:${r.seq}`))
  return { stored: stored.length, missing: acknowledged.filter((a) => !have.has(`${a.sessionId}:${a.seq}`)).length }
}
