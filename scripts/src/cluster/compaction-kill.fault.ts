import fs from 'node:fs'
import path from 'node:path'
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { prepareLearners } from '../bench/learners.ts'
import { startCluster, type Cluster } from './cluster.ts'

// kill -9 of a server in the middle of compaction (docs/learning.md, "What is kept for good"):
// a real server process on PostgreSQL compacts thousands of ended playback sessions under its job
// lease; it is killed at random moments while it does, and started again. Nothing credited is
// lost and no session is ever half-compacted: after each kill and at the end, every session's
// kept segments hold exactly the credit of its raw reports up to its compacted seq, and the credit
// per learner and chapter (kept + not yet compacted) is what it was.

const LEARNERS = 80
const SESSIONS_PER_LEARNER = 50
const REPORTS_PER_SESSION = 8
const KILLS = 3

let cluster: Cluster
let sql: postgres.Sql
beforeAll(async () => {
  cluster = await startCluster({ instances: 1, logLevel: 'warn' })
  sql = postgres(cluster.databaseUrl, { max: 2, onnotice: () => {} })
})
afterAll(async () => {
  await sql?.end({ timeout: 5 })
  await cluster?.stop()
})

/** Ended sessions (all of them reported 1–3 hours ago) with their raw reports, written straight into the database. */
async function seedEndedSessions(): Promise<void> {
  const jwtSecret = (JSON.parse(fs.readFileSync(path.join(cluster.dir, 'data', 'dev-secrets.json'), 'utf8')) as { jwtSecret: string }).jwtSecret
  const { learners, chapter } = await prepareLearners(cluster.databaseUrl, jwtSecret, LEARNERS)
  const users = learners.map((l) => l.uid)
  // One transaction: the running server's compaction sees the sessions with all their reports or not at all.
  await sql.begin(async (tx) => {
    await tx`
      insert into playback_sessions (id, user_id, chapter_id, status, opened_at, last_seq, credited_ms, last_report_at)
      select gen_random_uuid(), u, ${chapter.id}, 'superseded', now() - interval '3 hours' + k * interval '2 minutes', ${REPORTS_PER_SESSION},
        ${REPORTS_PER_SESSION * 3000}, now() - interval '3 hours' + k * interval '2 minutes' + ${REPORTS_PER_SESSION * 3} * interval '1 second'
      from unnest(${users}::int[]) u, generate_series(1, ${SESSIONS_PER_LEARNER}) k`
    // Each report credited 3 s from where the previous one ended; one in four carried a question.
    await tx`
      insert into progress_reports (session_id, seq, position_ms, credited_ms, received_at, ack)
      select s.id, g, g * 3000, 3000, s.opened_at + g * interval '3 seconds',
        jsonb_build_object('seq', g, 'creditedNow', 3, 'chapter', jsonb_build_object('id', s.chapter_id, 'resumeAtSeconds', g * 3, 'creditedSeconds', g * 3, 'completed', false),
          'rewindTo', null, 'question', case when g % 4 = 0 then jsonb_build_object('id', 1, 'prompt', '?', 'options', '[]'::jsonb) end, 'courseCompleted', false, 'planCompleted', false)
      from playback_sessions s, generate_series(1, ${REPORTS_PER_SESSION}) g`
  })
}

interface Check {
  sessions: number
  compacted: number
  /** Kept segments that do not add up to the raw reports up to the session's compacted seq, or run past it. */
  halfCompacted: number
  /** Per learner and chapter: kept + not yet compacted, against all raw reports. */
  creditMismatches: number
  creditedMs: number
}

async function check(): Promise<Check> {
  const [row] = await sql<Check[]>`
    with per_session as (
      select s.id, s.user_id, s.chapter_id, s.compacted_at is not null as compacted,
        (select coalesce(sum(g.credited_ms), 0) from credited_segments g where g.session_id = s.id) as kept,
        (select coalesce(sum(r.credited_ms), 0) from progress_reports r where r.session_id = s.id and r.seq <= s.compacted_seq) as raw_upto,
        (select coalesce(sum(r.credited_ms), 0) from progress_reports r where r.session_id = s.id and r.seq > s.compacted_seq) as raw_after,
        (select coalesce(sum(r.credited_ms), 0) from progress_reports r where r.session_id = s.id) as raw_all,
        (select count(*) from credited_segments g where g.session_id = s.id and g.to_seq > s.compacted_seq) as beyond
      from playback_sessions s
    ),
    per_chapter as (
      select user_id, chapter_id, sum(kept + raw_after) as shown, sum(raw_all) as raw from per_session group by user_id, chapter_id
    )
    select (select count(*)::int from per_session) as sessions,
      (select count(*) filter (where compacted)::int from per_session) as compacted,
      (select count(*) filter (where kept <> raw_upto or beyond > 0 or (compacted and raw_after > 0))::int from per_session) as "halfCompacted",
      (select count(*) filter (where shown <> raw)::int from per_chapter) as "creditMismatches",
      (select coalesce(sum(shown), 0)::bigint from per_chapter) as "creditedMs"`
  return { ...row!, creditedMs: Number(row!.creditedMs) }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Waits until the instance has compacted more than `than` sessions (it is compacting now). */
async function compactingPast(than: number, timeoutMs = 60_000): Promise<number> {
  const until = Date.now() + timeoutMs
  for (;;) {
    const [row] = await sql<{ n: number }[]>`select count(*)::int as n from playback_sessions where compacted_at is not null`
    if (row!.n > than) return row!.n
    if (Date.now() > until) throw new Error(`compaction did not move past ${than} sessions in ${timeoutMs} ms`)
    await sleep(50)
  }
}

describe('kill -9 in the middle of compaction', () => {
  it('loses no credited ms and leaves no session half-compacted', { timeout: 240_000 }, async () => {
    await seedEndedSessions()
    const start = await check()
    const expectedMs = LEARNERS * SESSIONS_PER_LEARNER * REPORTS_PER_SESSION * 3000
    // The server may have begun compacting already (its first round comes 5 s after start-up).
    expect(start).toMatchObject({ sessions: LEARNERS * SESSIONS_PER_LEARNER, halfCompacted: 0, creditMismatches: 0, creditedMs: expectedMs })

    // A round runs 5 s after start-up, then every 5 minutes: start again so one comes now.
    await cluster.kill(0, 'SIGTERM')
    await sql`update periodic_job_leases set lease_until = now() where name = 'progress-history'`
    await cluster.restart(0)

    const log: string[] = []
    let seen = start.compacted
    for (let kill = 1; kill <= KILLS; kill++) {
      seen = await compactingPast(seen)
      // A random moment while it compacts: most likely inside one session's transaction.
      await sleep(Math.floor(Math.random() * 800))
      await cluster.kill(0)
      const after = await check()
      log.push(`kill ${kill}: ${after.compacted}/${after.sessions} compacted`)
      expect(after).toMatchObject({ halfCompacted: 0, creditMismatches: 0, creditedMs: expectedMs })
      seen = after.compacted
      // The killed holder's lease would expire after its maxRunMs; the test does not wait for that.
      await sql`update periodic_job_leases set lease_until = now() where name = 'progress-history'`
      await cluster.restart(0)
    }

    const until = Date.now() + 120_000
    let end = await check()
    while (end.compacted < end.sessions && Date.now() < until) {
      await sleep(500)
      end = await check()
    }
    console.log(`[compaction kill -9] ${log.join('; ')}; at the end ${end.compacted}/${end.sessions} compacted, ${end.creditedMs} ms credited as before`)
    expect(end).toEqual({ ...start, compacted: start.sessions })
    const [segments] = await sql<{ n: number }[]>`select count(*)::int as n from credited_segments`
    // One run of contiguous credit per session: each compacted once, never twice.
    expect(segments!.n).toBe(start.sessions)
  })
})
