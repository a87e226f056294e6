/**
 * bench:history-reads — the reads that touch a year of history, timed on the synthetic year
 * (bench:synth-year --keep) through the real app in this process (app.inject: server time, no
 * network) or the function the command runs: a learner's course list and course player (H5), the
 * completion report for a unit and for a 区县 (the `completion-report` command), a group order's
 * learners with their progress (the buyer's page) and the staff console's credited timeline of a
 * learner's course, the console's 统计 figures and a group order's learners in 团购订单. Random learners, units, 区县 and orders from a seed; p50/p95 over --n samples
 * each after 5 warm-ups; then the PostgreSQL plan of every statement one sample of each ran
 * (captured at the driver, EXPLAIN ANALYZE). Targets: 200 ms p95; the 区县 report within 5 s.
 *
 *   pnpm bench:history-reads -- --database-url postgres://postgres@127.0.0.1:5432/synth_year_… [--n 100 --seed 7 --only completion]
 */
import { randomBytes, randomUUID } from 'node:crypto'
import { parseArgs } from 'node:util'
import postgres from 'postgres'
import { completionByOrganisation, completionReport, createDatabase, SAMPLE_PERSONAL_DATA_KEYS, saveStaffUser, totpCode, usePersonalDataKeys } from '@app/server/commands'
import { buildInProcessApp } from './in-process-app.ts'
import { accessToken } from './learners.ts'
import { percentileOf } from './load.ts'
import { explainAll, captureStatements } from './statement-capture.ts'
import { prng, YEAR } from './synth-year-plan.ts'

const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    'database-url': { type: 'string' },
    n: { type: 'string', default: '100' },
    seed: { type: 'string', default: '7' },
    /** Only the reads whose label contains this (e.g. 「completion」). */
    only: { type: 'string', default: '' },
    plans: { type: 'boolean', default: true },
  },
})
const N = Math.max(10, Number(values.n))
const WARMUP = 5

interface Read {
  label: string
  targetMs: number
  run: (k: number) => Promise<void>
}

async function main() {
  const url = values['database-url']
  if (!url) throw new Error('--database-url: the synthetic year (bench:synth-year -- --keep prints it)')
  usePersonalDataKeys(SAMPLE_PERSONAL_DATA_KEYS)
  const database = await createDatabase({ url, max: 10 })
  const sql = postgres(url, { max: 2, onnotice: () => {} })
  const jwtSecret = randomBytes(32).toString('base64url')
  const app = await buildInProcessApp(database, {}, jwtSecret)
  try {
    const r = prng(Number(values.seed))
    const [{ learners } = { learners: 0 }] = await sql<{ learners: number }[]>`select count(*)::int as learners from users`
    // What to ask about: learners with a course they played, units and 区县 on certificates, group orders.
    const sampled = Array.from({ length: N + WARMUP }, () => 1 + Math.floor(r.next() * learners))
    const courseOf = new Map(
      (await sql<{ user_id: number; course_id: number }[]>`
        select distinct on (s.user_id) s.user_id, c.course_id from playback_sessions s join chapters c on c.id = s.chapter_id
        where s.user_id = any(${sampled}) order by s.user_id, s.opened_at desc`).map((x) => [x.user_id, x.course_id]),
    )
    const units = (await sql<{ id: number }[]>`select distinct organisation_id as id from certificates where organisation_id is not null`).map((x) => x.id)
    const districts = (await sql<{ code: string }[]>`select distinct district_code as code from certificates`).map((x) => x.code)
    const groups = await sql<{ id: number; buyer: number }[]>`select id, buyer_user_id as buyer from orders where kind = 'group' and status = 'paid'`
    const pickedUnits = Array.from({ length: N + WARMUP }, () => r.pick(units))
    const pickedDistricts = Array.from({ length: N + WARMUP }, () => r.pick(districts))
    const pickedGroups = Array.from({ length: N + WARMUP }, () => r.pick(groups))

    // Learners' sign-in sessions (as 登录 makes them) and their access tokens.
    const tokens = new Map<number, string>()
    for (const uid of new Set([...sampled, ...groups.map((g) => g.buyer)])) {
      const sid = randomUUID()
      await sql`insert into sessions (id, user_id, expires_at) values (${sid}, ${uid}, now() + interval '1 day')`
      tokens.set(uid, `Bearer ${accessToken(jwtSecret, uid, sid)}`)
    }
    const staff = await staffToken(app, database)

    const ok = async (res: Promise<{ statusCode: number; body: string }>, label: string) => {
      const done = await res
      if (done.statusCode !== 200) throw new Error(`${label}: ${done.statusCode} ${done.body.slice(0, 200)}`)
    }
    const learnerWithCourse = (k: number) => {
      const uid = sampled[k]!
      return { uid, courseId: courseOf.get(uid) ?? 1 }
    }
    const reads: Read[] = [
      { label: 'learner: course list (进入学习)', targetMs: 200, run: (k) => ok(app.inject({ url: '/api/learning/plans/1/courses?page=1&pageSize=12', headers: { authorization: tokens.get(sampled[k]!)! } }), 'course list') },
      {
        label: 'learner: course player',
        targetMs: 200,
        run: (k) => ok(app.inject({ url: `/api/learning/courses/${learnerWithCourse(k).courseId}`, headers: { authorization: tokens.get(sampled[k]!)! } }), 'course player'),
      },
      { label: 'completion report: unit', targetMs: 200, run: async (k) => void (await completionReport(database.db, { year: YEAR, unitId: pickedUnits[k]! })) },
      { label: 'completion report: 区县', targetMs: 5000, run: async (k) => void (await completionReport(database.db, { year: YEAR, districtCode: pickedDistricts[k]! })) },
      {
        label: 'group order: learners + progress',
        targetMs: 200,
        run: (k) => ok(app.inject({ url: `/api/group-orders/${pickedGroups[k]!.id}/learners?page=1&pageSize=50`, headers: { authorization: tokens.get(pickedGroups[k]!.buyer)! } }), 'group learners'),
      },
      {
        label: 'staff: learner timeline',
        targetMs: 200,
        run: (k) => {
          const { uid, courseId } = learnerWithCourse(k)
          return ok(app.inject({ url: `/api/staff/learners/${uid}/timeline?courseId=${courseId}&page=1&pageSize=20`, headers: staff }), 'timeline')
        },
      },
      // What a staff member waits for on 统计: today's ranges and 「正在学习」 each time; the year's earlier
      // days once a day and completion by unit every 5 minutes, counted in the background (below).
      { label: 'staff: 统计 overview', targetMs: 200, run: (k) => ok(app.inject({ url: '/api/staff/stats/overview', headers: staff }), `overview ${k}`) },
      { label: 'staff: 统计 completion (kept)', targetMs: 200, run: () => ok(app.inject({ url: `/api/staff/stats/completion?year=${YEAR}`, headers: staff }), 'completion') },
      {
        label: 'staff: 团购订单 learners',
        targetMs: 200,
        run: (k) => ok(app.inject({ url: `/api/staff/group-orders/${pickedGroups[k]!.id}/learners?page=1&pageSize=50`, headers: staff }), 'staff group learners'),
      },
    ]
    console.log(`reads on the synthetic year: ${learners.toLocaleString('en')} learners, ${units.length} units, ${districts.length} 区县, ${groups.length} group orders; ${N} samples each after ${WARMUP} warm-ups`)
    // The counts 统计 keeps and refreshes in the background, timed once each as they run cold.
    for (const [label, run] of [
      ['统计 completion by unit and 区县, counted', () => completionByOrganisation(database.db, YEAR)],
    ] as const) {
      if (!label.includes(values.only) && !values.only.includes('统计')) continue
      const started = performance.now()
      await run()
      console.log(`${label.padEnd(34)} once ${(performance.now() - started).toFixed(0).padStart(8)} ms  (kept 5 minutes, recounted in the background)`)
    }
    const results: string[] = []
    const chosen = reads.filter((read) => read.label.includes(values.only))
    for (const read of chosen) {
      const samples: number[] = []
      for (let k = 0; k < N + WARMUP; k++) {
        const started = performance.now()
        await read.run(k)
        if (k >= WARMUP) samples.push(performance.now() - started)
      }
      const p95 = percentileOf(samples, 95)
      const line = `${read.label.padEnd(34)} p50 ${percentileOf(samples, 50).toFixed(1).padStart(8)} ms  p95 ${p95.toFixed(1).padStart(8)} ms  max ${Math.max(...samples).toFixed(0).padStart(6)} ms  [target p95 ≤ ${read.targetMs} ms: ${p95 <= read.targetMs ? 'met' : 'MISSED'}]`
      results.push(line)
      console.log(line)
    }
    if (values.plans) {
      for (const read of chosen) {
        const statements = await captureStatements(database, () => read.run(WARMUP))
        console.log(`\nplans: ${read.label}\n${await explainAll(sql, statements)}`)
      }
      console.log(`\nsummary\n${results.join('\n')}`)
    }
  } finally {
    await app.close()
    await sql.end({ timeout: 5 })
    await database.close()
  }
}

/** A console operator signed in with password and authenticator code, as bench:staff-search does. */
async function staffToken(app: Awaited<ReturnType<typeof buildInProcessApp>>, database: Awaited<ReturnType<typeof createDatabase>>) {
  const username = `bench.reads.${randomBytes(3).toString('hex')}`
  const password = 'bench-Password-2026'
  await saveStaffUser(database.db, { username, password, role: 'operator', resetExisting: false })
  const first = await app.inject({ method: 'POST', url: '/api/staff/session', payload: { username, password } })
  const secret = (first.json() as { secret: string }).secret
  const signedIn = await app.inject({ method: 'POST', url: '/api/staff/session', payload: { username, password, totpCode: totpCode(secret, new Date()) } })
  if (signedIn.statusCode !== 201) throw new Error(`staff sign-in ${signedIn.statusCode} ${signedIn.body}`)
  return { authorization: `Bearer ${(signedIn.json() as { token: string }).token}` }
}

await main()
