import fs from 'node:fs'
import path from 'node:path'
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DevSecrets } from '@app/server/commands'
import { startCluster, type Cluster } from './cluster.ts'
import { accessToken } from '../bench/learners.ts'
import { randomUUID } from 'node:crypto'
import { idNumberCheckChar } from '@app/shared/id-number'
import { PRIVACY_POLICY_VERSION } from '@app/shared/privacy-policy'

// A WeChat Pay notification delivered (through nginx) to an instance that dies mid-settlement:
// the test holds the order's row lock so the settlement waits inside its transaction, finds the
// instance whose database session waits, kills it (-9) and lets go. WeChat's retry reaches another
// instance and settles the order exactly once.

let cluster: Cluster
let sql: postgres.Sql
beforeAll(async () => {
  cluster = await startCluster({ instances: 3, logLevel: 'warn' })
  sql = postgres(cluster.databaseUrl, { max: 3, onnotice: () => {} })
})
afterAll(async () => {
  await sql?.end({ timeout: 5 })
  await cluster?.stop()
})

/** A WeChat user of the simulator (through its OAuth page), bound to a new learner. */
async function boundLearner(secrets: DevSecrets) {
  const host = new URL(cluster.url).host
  const form = new URLSearchParams({
    appid: secrets.appId,
    redirect_uri: `http://${host}/api/auth/wechat/callback`,
    response_type: 'code',
    scope: 'snsapi_base',
    state: 'fault',
    action: 'allow',
    user: 'new',
    nickname: '故障测试',
  })
  const decided = await fetch(`${cluster.url}/wx-sim/open/connect/oauth2/authorize/decide`, { method: 'POST', body: form, redirect: 'manual' })
  const code = new URL(decided.headers.get('location') ?? '').searchParams.get('code')
  const exchange = await fetch(`${cluster.simulatorUrl}/wx-sim/api/sns/oauth2/access_token?appid=${secrets.appId}&secret=${secrets.appSecret}&code=${code}&grant_type=authorization_code`)
  const { openid } = (await exchange.json()) as { openid: string }
  const first17 = '50010319850101777'
  const [user] = await sql<{ id: number }[]>`
    insert into users (real_name, id_number, phone, password_hash) values ('故障测试', ${first17 + idNumberCheckChar(first17)}, '13900007777', 'scrypt$disabled') returning id`
  await sql`insert into wechat_bindings (app_id, openid, user_id) values (${secrets.appId}, ${openid}, ${user!.id})`
  const sid = randomUUID()
  await sql`insert into sessions (id, user_id, expires_at) values (${sid}, ${user!.id}, now() + interval '1 day')`
  // A learner who registered through 注册 has consented to the current 隐私政策 (else 403 CONSENT_REQUIRED).
  await sql`insert into consents (user_id, policy_version, kind, granted_at, client) values (${user!.id}, ${PRIVACY_POLICY_VERSION}, 'policy', now(), 'register'), (${user!.id}, ${PRIVACY_POLICY_VERSION}, 'sensitive_id', now(), 'register')`
  return { userId: user!.id, authorization: `Bearer ${accessToken(secrets.jwtSecret, user!.id, sid)}` }
}

describe('payment notification to an instance that dies mid-settlement', () => {
  it('is settled exactly once by WeChat’s retry on another instance', async () => {
    const secrets = JSON.parse(fs.readFileSync(path.join(cluster.dir, 'data', 'dev-secrets.json'), 'utf8')) as DevSecrets
    const learner = await boundLearner(secrets)
    const [project] = await sql<{ id: number }[]>`select id from projects order by id limit 1`
    const headers = { authorization: learner.authorization, 'content-type': 'application/json' }
    const created = await fetch(`${cluster.url}/api/orders`, { method: 'POST', headers, body: JSON.stringify({ projectId: project!.id, invoice: { choice: 'later' } }) })
    expect(created.status).toBe(201)
    const order = (await created.json()) as { id: number; outTradeNo: string }
    const pay = await fetch(`${cluster.url}/api/orders/${order.id}/pay`, { method: 'POST', headers: { authorization: learner.authorization } })
    expect(pay.status).toBe(200)
    const { payParams } = (await pay.json()) as { payParams: Record<string, string> }

    // Hold the order row: the settlement will wait for it inside its transaction.
    let release!: () => void
    const released = new Promise<void>((resolve) => (release = resolve))
    let locked!: () => void
    const isLocked = new Promise<void>((resolve) => (locked = resolve))
    const holding = sql.begin(async (tx) => {
      await tx`select id from orders where id = ${order.id} for update`
      locked()
      await released
    })
    await isLocked

    // The learner pays at WeChat's cashier; WeChat notifies us through nginx.
    const paidAt = performance.now()
    const cashier = fetch(`${cluster.url}/wx-sim/dev/pay`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...payParams, action: 'confirm' }) })
    let waiting: string | undefined
    for (let i = 0; i < 200 && !waiting; i++) {
      const rows = await sql<{ application_name: string }[]>`
        select application_name from pg_stat_activity
        where datname = ${cluster.databaseName} and wait_event_type = 'Lock' and application_name like 'cluster-instance-%'`
      waiting = rows[0]?.application_name
      if (!waiting) await new Promise((resolve) => setTimeout(resolve, 50))
    }
    expect(waiting).toBeDefined()
    const victim = Number(waiting!.split('-').at(-1)) - 1
    await cluster.kill(victim)
    release()
    await holding
    await cashier

    let status = ''
    while (status !== 'paid' && performance.now() - paidAt < 60_000) {
      await new Promise((resolve) => setTimeout(resolve, 200))
      const [row] = await sql<{ status: string }[]>`select status from orders where id = ${order.id}`
      status = row?.status ?? ''
    }
    const settledMs = performance.now() - paidAt
    const enrolments = await sql`select id from enrollments where order_id = ${order.id}`
    const audit = await sql<{ outcome: string }[]>`select outcome from payment_notifications where out_trade_no = ${order.outTradeNo}`
    const deliveries = ((await (await fetch(`${cluster.simulatorUrl}/wx-sim/dev/notifications`)).json()) as { deliveries: Array<{ url: string; attempt: number; status: number | string; probe: boolean }> }).deliveries.filter((d) => !d.probe)
    console.log(
      `[payment] notification reached instance ${victim + 1}, which was killed mid-settlement; deliveries ${deliveries.map((d) => `#${d.attempt} → ${d.status}`).join(', ')}; ` +
        `order paid ${settledMs.toFixed(0)} ms after the cashier; enrolments ${enrolments.length}; audit rows ${audit.map((a) => a.outcome).join(', ')}`,
    )

    expect(cluster.instances[victim]!.process.signalCode).toBe('SIGKILL')
    expect(status).toBe('paid')
    expect(enrolments).toHaveLength(1)
    expect(deliveries[0]?.status).not.toBe(204)
    expect(deliveries.at(-1)?.status).toBe(204)
    expect(audit.filter((a) => a.outcome === 'paid')).toHaveLength(1)
  })
})
