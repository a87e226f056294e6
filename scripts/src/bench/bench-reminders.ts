/**
 * bench:reminders — the deadline-reminder run for 200,000 learners due on the same day, and the send
 * rate the sender holds against the WeChat simulator. On PostgreSQL (a scratch database on
 * BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres) or, with --pglite, in memory.
 * Every learner bought the year's plan, is bound to an openid and accepted the reminder's 订阅通知.
 *
 *   pnpm bench:reminders [-- --learners 200000 --send-seconds 10 --rate 500 --pglite]
 */
import Fastify from 'fastify'
import { parseArgs } from 'node:util'
import { sql } from 'drizzle-orm'
import {
  createDatabase,
  createWechatSimulator,
  defaultNoticesConfig,
  generateDevSecrets,
  runReminders,
  sendPass,
  simulatorClientSettings,
  simulatorKeys,
  type Database,
} from '@app/server/commands'
import { createScratchDatabase } from './database.ts'
import { freePort } from './processes.ts'

const { values } = parseArgs({
  // pnpm passes the `--` through; it is not a positional argument.
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    learners: { type: 'string', default: '200000' },
    'send-seconds': { type: 'string', default: '10' },
    rate: { type: 'string', default: '500' },
    pglite: { type: 'boolean', default: false },
  },
})
const LEARNERS = Math.max(100, Number(values.learners))
const SEND_SECONDS = Math.max(1, Number(values['send-seconds']))
const RATE = Math.max(1, Number(values.rate))
const TEMPLATE = 'simSubDeadline'

async function seed(database: Database, now: Date): Promise<number> {
  const db = database.db
  await db.execute(sql`insert into categories (code, name) values ('bench', '公需科目')`)
  const year = Number(new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 4))
  await db.execute(sql`insert into projects (code, category_id, title, year, price_fen, required_hours)
    select 'bench-plan', id, ${`重庆市${year}年专业技术人员继续教育公需科目`}, ${year}, 9000, 30 from categories where code = 'bench'`)
  await db.execute(sql`insert into users (real_name, password_hash) select '学员', 'unusable' from generate_series(1, ${LEARNERS})`)
  await db.execute(sql`insert into orders (out_trade_no, buyer_user_id, kind, project_id, unit_price_fen, quantity, amount_fen, status, invoice, created_at, expires_at)
    select 'BENCH0001', min(u.id), 'group', p.id, 9000, ${LEARNERS}, 9000 * ${LEARNERS}, 'paid', '{"choice":"later"}'::jsonb, now(), now() from users u, projects p group by p.id`)
  await db.execute(sql`insert into enrollments (user_id, project_id, order_id, status, created_at)
    select u.id, p.id, o.id, 'active', now() from users u, projects p, orders o`)
  await db.execute(sql`insert into wechat_bindings (app_id, openid, user_id) select 'bench', 'o_bench_' || id, id from users`)
  await db.execute(sql`insert into notice_subscriptions (openid, template_id, remaining, rejected, updated_at)
    select 'o_bench_' || id, ${TEMPLATE}, 1, false, now() from users`)
  // Statistics as a live database has them (autovacuum analyses tables that grew; a bulk seed is not yet).
  await db.execute(sql`analyze`)
  return year
}

async function main() {
  const serverUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
  const scratch = values.pglite ? null : await createScratchDatabase(serverUrl, 'bench_reminders')
  const database = scratch ? await createDatabase({ url: scratch.url, max: 10 }) : await createDatabase({ memory: true })
  const secrets = generateDevSecrets()
  const port = await freePort()
  const now = new Date()
  const simulator = createWechatSimulator({ ...simulatorKeys(secrets), oauthCallbackHosts: [], allowHttpNotifyUrl: true, retryScale: 1 })
  const sim = Fastify({ logger: false })
  await sim.register(simulator.plugin, { prefix: '/wx-sim' })
  await sim.listen({ host: '127.0.0.1', port })
  try {
    await database.migrate()
    const t0 = performance.now()
    const year = await seed(database, now)
    console.log(`seeded ${LEARNERS} learners (plan bought, openid bound, reminder accepted) in ${((performance.now() - t0) / 1000).toFixed(1)} s on ${scratch ? 'PostgreSQL' : 'PGlite'}`)

    // The deadline 10 days ahead with a 14-day point: every learner is due today.
    const deadline = new Date(now.getTime() + 10 * 86_400_000 + 8 * 3600_000).toISOString().slice(0, 10)
    const config = { ...defaultNoticesConfig(), sendPerSecond: RATE, batchSize: 200, reminders: { deadline, daysBefore: [14] } }
    if (Number(deadline.slice(0, 4)) !== year) config.reminders.deadline = `${year}-12-31`
    const r0 = performance.now()
    const queued = await runReminders({ db: database.db, config }, now)
    const runMs = performance.now() - r0
    console.log(`reminder run: ${queued} reminders queued for ${LEARNERS} learners in ${(runMs / 1000).toFixed(1)} s (${Math.round(queued / (runMs / 1000))} learners/s)`)

    for (let i = 1; i <= LEARNERS; i++) {
      simulator.messages.known.add(`o_bench_${i}`)
      simulator.messages.subscriptions.set(`o_bench_${i}|${TEMPLATE}`, 1)
    }
    const wechat = simulatorClientSettings(secrets, { oauthBase: `http://127.0.0.1:${port}/wx-sim/open`, apiBase: `http://127.0.0.1:${port}/wx-sim/api`, payBase: `http://127.0.0.1:${port}/wx-sim/mch` })
    const deps = { db: database.db, wechat, config, now: () => new Date(), publicBaseUrl: 'https://jxjy.example.cn' }
    const s0 = performance.now()
    let sent = 0
    let dropped = 0
    while (performance.now() - s0 < SEND_SECONDS * 1000) {
      const pass = await sendPass(deps)
      sent += pass.sent
      dropped += pass.dropped
      if (pass.sent + pass.dropped + pass.retried === 0) break
    }
    const sendS = (performance.now() - s0) / 1000
    console.log(`sender: ${sent} sent, ${dropped} dropped in ${sendS.toFixed(1)} s = ${Math.round(sent / sendS)} sends/s held (configured ${RATE}/s, one instance); simulator delivered ${simulator.messages.delivered.length}`)
    const left = LEARNERS - sent - dropped
    console.log(`at that rate the ${LEARNERS} reminders take ${(LEARNERS / Math.max(1, sent / sendS) / 60).toFixed(0)} min on one instance (${left} still queued now)`)
  } finally {
    await sim.close()
    await simulator.close()
    await database.close()
    await scratch?.drop()
  }
}

await main()
