import { createHmac, randomUUID } from 'node:crypto'
import postgres from 'postgres'
import { idNumberCheckChar } from '@app/shared/id-number'
import { createClient } from '../bench/load.ts'

/**
 * Progress load through the cluster, as the H5 sends it: each learner has one playback session and
 * reports with increasing seq; a report that was not acknowledged (an error, a 503, a dropped
 * connection) is sent again with the same seq until it is, as the H5's queue does.
 */
export interface Learner {
  uid: number
  token: string
  sessionId: string
  openedAt: number
  seq: number
}

const b64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url')

/** An HS256 access token as the server signs them (the load skips scrypt sign-ins). */
export function accessToken(jwtSecret: string, uid: number, sid: string): string {
  const now = Math.floor(Date.now() / 1000)
  const unsigned = `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url({ uid, sid, sv: 1, iat: now, exp: now + 3600 })}`
  return `${unsigned}.${createHmac('sha256', jwtSecret).update(unsigned).digest('base64url')}`
}

/** Learners with sign-in sessions and a paid enrolment, written straight into the database. */
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

export interface LoadStats {
  acknowledged: Array<{ sessionId: string; seq: number }>
  /** Answers other than 200 (and dropped connections), each followed by a resend. */
  notAcknowledged: number
  /** By status ("503 SERVICE_UNAVAILABLE", "network", …), with the slowest time to that answer. */
  failures: Map<string, { count: number; maxMs: number }>
}

/** Opens a playback session per learner (through the cluster) and returns the report sender. */
export async function startProgressLoad(baseUrl: string, prepared: Awaited<ReturnType<typeof prepareLearners>>, concurrency: number) {
  const client = createClient(baseUrl, concurrency)
  const learners: Learner[] = []
  for (const l of prepared.learners) {
    const res = await client.request('POST', `/api/learning/chapters/${prepared.chapter.id}/sessions`, undefined, { authorization: `Bearer ${l.token}` })
    if (res.status !== 201) throw new Error(`open session: ${res.status} ${res.body}`)
    learners.push({ ...l, sessionId: (JSON.parse(res.body) as { sessionId: string }).sessionId, openedAt: performance.now(), seq: 0 })
  }
  const stats: LoadStats = { acknowledged: [], notAcknowledged: 0, failures: new Map() }
  const maxPosition = prepared.chapter.duration_seconds - 1
  const countFailure = (kind: string, ms: number) => {
    stats.notAcknowledged += 1
    const entry = stats.failures.get(kind) ?? { count: 0, maxMs: 0 }
    entry.count += 1
    entry.maxMs = Math.max(entry.maxMs, ms)
    stats.failures.set(kind, entry)
  }

  /** One report of learner w, resent until acknowledged (or `deadline` passes); true when acknowledged first time. */
  async function report(w: number, deadline = Infinity): Promise<boolean> {
    const l = learners[w]!
    l.seq += 1
    let firstTry = true
    for (;;) {
      const elapsed = Math.round(performance.now() - l.openedAt)
      const t0 = performance.now()
      let status = 0
      let code = ''
      try {
        const res = await client.request(
          'POST',
          `/api/learning/sessions/${l.sessionId}/reports`,
          { seq: l.seq, positionSeconds: Math.min(maxPosition, elapsed / 1000), clientElapsedMs: elapsed, playing: true },
          { authorization: `Bearer ${l.token}` },
        )
        status = res.status
        if (status !== 200) code = /"code":"([A-Z_]+)"/.exec(res.body)?.[1] ?? '' // nginx's own 502 page is HTML
      } catch {
        status = 0
      }
      if (status === 200) {
        stats.acknowledged.push({ sessionId: l.sessionId, seq: l.seq })
        return firstTry
      }
      countFailure(status === 0 ? 'network error' : `${status} ${code}`.trim(), performance.now() - t0)
      firstTry = false
      if (performance.now() > deadline) return false
      // The H5 waits a moment before resending.
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
  }
  return { learners, report, stats, close: () => client.close() }
}

/** Acknowledged reports missing from the database, and sessions whose totals disagree with their reports. */
export async function verifyStored(databaseUrl: string, stats: LoadStats) {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} })
  try {
    const stored = await sql<{ session_id: string; seq: number }[]>`select session_id, seq from progress_reports`
    const have = new Set(stored.map((r) => `${r.session_id}:${r.seq}`))
    const missing = stats.acknowledged.filter((a) => !have.has(`${a.sessionId}:${a.seq}`)).length
    // Nothing half-written: a session's last seq and credit are exactly what its stored reports say.
    const [row] = await sql<{ inconsistent: number }[]>`
      select count(*)::int as inconsistent from playback_sessions s
      left join (select session_id, max(seq) as seq, sum(credited_ms) as credited from progress_reports group by session_id) r on r.session_id = s.id
      where s.last_seq <> coalesce(r.seq, 0) or s.credited_ms <> coalesce(r.credited, 0)`
    return { stored: stored.length, missing, inconsistent: row?.inconsistent ?? -1 }
  } finally {
    await sql.end({ timeout: 5 })
  }
}
