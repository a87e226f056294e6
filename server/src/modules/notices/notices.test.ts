import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestApp } from '../../../test/app.ts'
import { bearer } from '../../../test/auth-helpers.ts'
import { buildTestAppWithProject } from '../../../test/catalogue-helpers.ts'
import { enrol } from '../../../test/factories.ts'
import { createGroupOrder, insertLearners } from '../../../test/group-helpers.ts'
import { signInNewStaff } from '../../../test/staff-helpers.ts'
import { newBuyer, waitFor, type Buyer } from '../../../test/wechat-helpers.ts'
import { registry } from '../../core/metrics.registry.ts'
import { enrollments, noticeOutbox, wechatBindings, wechatCredentials } from '../../db/schema.ts'
import { changePhoneByStaff } from '../auth/learner-admin.service.ts'
import { resetPasswordByStaff } from '../auth/password-change.service.ts'
import { seedSampleOrganisations } from '../certificates/organisations.seed.ts'
import { applyIssued } from '../invoices/invoice-documents.repository.ts'
import { invoiceDocuments, invoices } from '../../db/schema.ts'
import { defaultNoticesConfig, type NoticesConfig } from './notices.config.ts'
import { claimDueNotices, findOutboxForUser } from './notices.repository.ts'
import { sendPass, type SendDeps } from './send.job.ts'

let t: TestApp
let projectId: number
let priceFen: number
beforeAll(async () => {
  ({ t, projectId, priceFen } = await buildTestAppWithProject())
  await seedSampleOrganisations(t.database.db)
})
afterAll(async () => t.close())

function senderDeps(config: NoticesConfig = defaultNoticesConfig(), call?: SendDeps['call']): SendDeps {
  return { db: t.database.db, wechat: t.wechat, config, now: () => t.clock.now, publicBaseUrl: t.baseUrl, sleep: async () => {}, ...(call ? { call } : {}) }
}

async function openidOf(userId: number): Promise<string> {
  const [row] = await t.database.db.select().from(wechatBindings).where(eq(wechatBindings.userId, userId))
  if (!row) throw new Error('not bound')
  return row.openid
}

const follow = (openid: string) => t.simulator.messages.follows.add(openid)
const deliveredTo = (openid: string) => t.simulator.messages.delivered.filter((d) => d.openid === openid)

async function paidBuyer(following = true): Promise<Buyer & { openid: string; orderId: number }> {
  const buyer = await newBuyer(t)
  const openid = await openidOf(buyer.userId)
  if (following) follow(openid)
  const order = (await t.app.inject({ method: 'POST', url: '/api/orders', headers: bearer(buyer.token), payload: { projectId, invoice: { choice: 'later' } } })).json()
  const prepared = (await t.app.inject({ method: 'POST', url: `/api/orders/${order.id}/pay`, headers: bearer(buyer.token) })).json()
  const paid = (await t.app.inject({ method: 'POST', url: '/wx-sim/dev/pay', payload: { ...prepared.payParams, action: 'confirm' } })).json()
  expect(paid.err_msg).toBe('get_brand_wcpay_request:ok')
  // WeChat Pay's notification settles the order (and queues the notice) a moment later; a loaded
  // CI machine has once taken more than waitFor's usual 8 s over it.
  await waitFor(() => findOutboxForUser(t.database.db, buyer.userId), (rows) => rows.length > 0, 30_000)
  return { ...buyer, openid, orderId: order.id as number }
}

async function drain(deps = senderDeps()) {
  const total = { sent: 0, dropped: 0, retried: 0 }
  for (;;) {
    const r = await sendPass(deps)
    total.sent += r.sent
    total.dropped += r.dropped
    total.retried += r.retried
    if (r.sent + r.dropped + r.retried === 0 || r.paused) return total
  }
}

describe('event → outbox → WeChat (模板消息)', () => {
  it('a paid order tells its learner once, opening 我的订单 through the OAuth entry, and keeps the 19-digit msgid exactly', async () => {
    const buyer = await paidBuyer()
    const queued = await findOutboxForUser(t.database.db, buyer.userId)
    expect(queued.map((r) => [r.kind, r.state])).toEqual([['payment_succeeded', 'queued']])
    await drain()
    const [sent] = deliveredTo(buyer.openid)
    expect(sent).toMatchObject({ channel: 'template', templateId: 'simTplPaymentOk' })
    expect(sent?.data.amount2).toBe(`¥${priceFen / 100}.00`)
    expect(sent?.url).toBe(`${t.baseUrl}/api/auth/wechat/start?returnTo=${encodeURIComponent('/orders')}`)
    const [row] = await findOutboxForUser(t.database.db, buyer.userId)
    expect(row?.state).toBe('sent')
    expect(row?.msgid).toMatch(/^\d{19}$/)
    expect(row?.msgid).toBe(sent?.msgid)
    // Told again (a duplicate notification from WeChat Pay): nothing more is queued or sent.
    await drain()
    expect(deliveredTo(buyer.openid)).toHaveLength(1)
  })

  it('a learner who does not follow the account: dropped with 43004, counted by reason, never retried', async () => {
    const buyer = await paidBuyer(false)
    await drain()
    const [row] = await findOutboxForUser(t.database.db, buyer.userId)
    expect(row).toMatchObject({ state: 'dropped', lastErrorCode: 43004, lastErrorReason: 'not_following' })
    expect(deliveredTo(buyer.openid)).toHaveLength(0)
    const metrics = await registry.metrics()
    expect(metrics).toMatch(/notices_dropped_total\{reason="not_following"\} [1-9]/)
    expect(metrics).toMatch(/notices_sent_total\{kind="payment_succeeded",channel="template"\} [1-9]/)
  })

  it('a 对公转账 confirmed by staff tells the buyer, and each learner the unit enrolled hears 「单位已为您购买」', async () => {
    const buyer = await newBuyer(t)
    const buyerOpenid = await openidOf(buyer.userId)
    follow(buyerOpenid)
    const learners = await insertLearners(t.database.db, 2)
    const openids = learners.map((l, i) => `o_group_${l.id}_${i}`)
    await t.database.db.insert(wechatBindings).values(learners.map((l, i) => ({ appId: t.wechat.appId, openid: openids[i] as string, userId: l.id })))
    openids.forEach(follow)
    const order = await createGroupOrder(t, buyer.token, projectId, learners.map((l) => l.idNumber))
    const detail = (await t.app.inject({ method: 'GET', url: `/api/group-orders/${order.id}`, headers: bearer(buyer.token) })).json()
    const staff = await signInNewStaff(t.app, t.database.db, 'finance')
    const confirmed = await t.app.inject({
      method: 'POST',
      url: '/api/staff/group-orders/transfers/confirm',
      headers: bearer(staff.token),
      payload: { reference: detail.transfer.reference, amountFen: order.amountFen, bankSerial: 'B2026NOTICE' },
    })
    expect(confirmed.json().outcome).toBe('paid')
    await drain()
    expect(deliveredTo(buyerOpenid).map((d) => [d.templateId, d.data.phrase4])).toEqual([['simTplTransferOk', '已确认']])
    for (const openid of openids) {
      const got = deliveredTo(openid)
      expect(got).toHaveLength(1)
      expect(got[0]?.data.thing2).toBe('单位已为您购买，可开始学习')
      expect(got[0]?.url).toContain(encodeURIComponent(`/training/${projectId}`))
    }
  })

  it('a certificate issued, an invoice issued and red-lettered, a staff password reset: each told once, no ID number or phone in any value', async () => {
    const buyer = await paidBuyer()
    await drain()
    // Certificate: the plan is complete (marked directly; completion itself is learning's test).
    await t.database.db.update(enrollments).set({ completedAt: t.clock.now }).where(eq(enrollments.userId, buyer.userId))
    const units = (await t.app.inject({ method: 'GET', url: `/api/certificates/organisations?q=${encodeURIComponent('设计研究院')}`, headers: bearer(buyer.token) })).json()
    const cert = await t.app.inject({
      method: 'POST',
      url: '/api/certificates',
      headers: bearer(buyer.token),
      payload: { projectId, confirmName: buyer.realName, confirmIdNumber: buyer.idNumber, organisation: { unitId: units.organisations[0].id } },
    })
    expect(cert.statusCode, cert.body).toBe(201)
    // Invoice: applied for, then the provider's blue and red results applied as the job would.
    const applied = await t.app.inject({ method: 'POST', url: '/api/invoices', headers: bearer(buyer.token), payload: { orderId: buyer.orderId, titleType: 'personal', title: '张三', email: 'zhangsan@example.cn' } })
    expect(applied.statusCode).toBeLessThan(300)
    const [invoice] = await t.database.db.select().from(invoices).where(eq(invoices.orderId, buyer.orderId))
    const [blue] = await t.database.db.select().from(invoiceDocuments).where(eq(invoiceDocuments.invoiceId, invoice!.id))
    await t.database.db.update(invoiceDocuments).set({ state: 'submitted' }).where(eq(invoiceDocuments.id, blue!.id))
    await t.database.db.transaction((tx) => applyIssued(tx, blue!.id, '26500000000000000001', t.clock.now, t.clock.now))
    await t.database.db.transaction((tx) => applyIssued(tx, blue!.id, '26500000000000000001', t.clock.now, t.clock.now)) // told twice
    const [red] = await t.database.db
      .insert(invoiceDocuments)
      .values({ ...blueCopy(blue!), kind: 'red', state: 'submitted', idempotencyKey: `${blue!.idempotencyKey}R` })
      .returning()
    await t.database.db.update(invoices).set({ state: 'reversing', reversal: 'refund' }).where(eq(invoices.id, invoice!.id))
    await t.database.db.transaction((tx) => applyIssued(tx, red!.id, '26500000000000000002', t.clock.now, t.clock.now))
    // Staff reset the password.
    await resetPasswordByStaff(t.database.db, buyer.userId, 'Reset-Password-2026x', t.clock.now)
    await drain()
    const got = deliveredTo(buyer.openid)
    // Sent several at a time: compare as sets.
    expect(got.map((d) => d.templateId).sort()).toEqual(['simTplCertificate', 'simTplInvoice', 'simTplInvoice', 'simTplPaymentOk', 'simTplSecurity'])
    expect(got.filter((d) => d.templateId === 'simTplInvoice').map((d) => d.data.phrase3).sort()).toEqual(['已开具', '已红冲'])
    expect(got.find((d) => d.templateId === 'simTplCertificate')?.url).toContain(encodeURIComponent('/certificates/'))
    const everything = JSON.stringify(got)
    expect(everything).not.toContain(buyer.idNumber)
    expect(everything).not.toContain(buyer.phone)
  })
})

function blueCopy(doc: typeof invoiceDocuments.$inferSelect) {
  const { id: _id, ...rest } = doc
  return rest
}

describe('delivery that survives restarts and WeChat trouble', () => {
  it('a sender that died after claiming: the rows are claimed again once the claim runs out, and sent once', async () => {
    const buyer = await paidBuyer()
    const claimed = await claimDueNotices(t.database.db, t.clock.now, 60_000, 100)
    expect(claimed.map((c) => c.userId)).toContain(buyer.userId)
    // The process is gone: nobody marks the rows. Another sender finds nothing while the claim lasts…
    expect((await sendPass(senderDeps())).sent).toBe(0)
    t.clock.advance(61_000)
    expect((await drain()).sent).toBeGreaterThanOrEqual(1)
    expect(deliveredTo(buyer.openid)).toHaveLength(1)
  })

  it('WeChat took the message but the answer was lost: the retry carries the same client_msg_id and WeChat sends it once', async () => {
    const buyer = await paidBuyer()
    let lose = true
    const losingFetch: typeof fetch = async (input, init) => {
      const response = await fetch(input, init)
      if (lose && String(input).includes('/message/template/send')) {
        lose = false
        throw new TypeError('connection reset')
      }
      return response
    }
    const first = await drain(senderDeps(undefined, { fetch: losingFetch }))
    expect(first.retried).toBe(1)
    const [row] = await findOutboxForUser(t.database.db, buyer.userId)
    expect(row).toMatchObject({ state: 'queued', attempts: 1 })
    expect(row!.nextAttemptAt.getTime()).toBe(t.clock.now.getTime() + 30_000)
    t.clock.advance(31_000)
    await drain()
    expect(deliveredTo(buyer.openid)).toHaveLength(1)
    const [after] = await findOutboxForUser(t.database.db, buyer.userId)
    expect(after?.state).toBe('sent')
  })

  it('system busy (-1): retried later with backoff; an expired access token (40001) is replaced once and the send repeated', async () => {
    const buyer = await paidBuyer()
    t.simulator.faults.set('apiSystemBusy', true, { sticky: true, target: 'response' })
    await sendPass(senderDeps())
    t.simulator.faults.clear()
    const [row] = await findOutboxForUser(t.database.db, buyer.userId)
    expect(row).toMatchObject({ state: 'queued', lastErrorCode: -1, lastErrorReason: 'system_busy' })
    await t.database.db.update(wechatCredentials).set({ value: 'expired-token-value' }).where(eq(wechatCredentials.kind, 'access_token'))
    t.clock.advance(31_000)
    await drain()
    expect(deliveredTo(buyer.openid)).toHaveLength(1)
  })

  it('a template the account does not have (40037) or a field its template refuses (47003): dropped with the reason', async () => {
    const a = await paidBuyer()
    const wrong = defaultNoticesConfig()
    wrong.templates.payment_succeeded = { channel: 'template', templateId: 'NOT_ON_THE_ACCOUNT' }
    await drain(senderDeps(wrong))
    expect((await findOutboxForUser(t.database.db, a.userId))[0]).toMatchObject({ state: 'dropped', lastErrorCode: 40037, lastErrorReason: 'bad_template' })
    const b = await paidBuyer()
    const mismatched = defaultNoticesConfig()
    mismatched.templates.payment_succeeded = { channel: 'template', templateId: 'simTplTransferOk' } // wants phrase4
    await drain(senderDeps(mismatched))
    expect((await findOutboxForUser(t.database.db, b.userId))[0]).toMatchObject({ state: 'dropped', lastErrorCode: 47003, lastErrorReason: 'bad_field' })
  })

  it('the per-minute quota (45011) pauses the batch for a minute; nothing is lost', async () => {
    const buyers = [await paidBuyer(), await paidBuyer(), await paidBuyer()]
    t.simulator.messages.minuteLimit = 1
    t.clock.advance(60_000)
    const first = await sendPass(senderDeps())
    expect(first).toMatchObject({ sent: 1, paused: 'minute' })
    t.simulator.messages.minuteLimit = 1_000_000
    t.clock.advance(61_000)
    await drain()
    for (const b of buyers) expect(deliveredTo(b.openid)).toHaveLength(1)
  })
})

describe('queueing', () => {
  it('an event told twice queues one notice per learner (unique per event and learner)', async () => {
    const buyer = await newBuyer(t)
    await enrol(t.database.db, buyer.userId, projectId, t.clock.now)
    await resetPasswordByStaff(t.database.db, buyer.userId, 'Reset-Password-2026y', t.clock.now)
    const rows = await t.database.db.select().from(noticeOutbox).where(eq(noticeOutbox.userId, buyer.userId))
    expect(rows.map((r) => r.kind)).toEqual(['password_reset'])
  })
})

describe('security notices', () => {
  it('a phone changed by staff tells the learner through the Official Account, without either number', async () => {
    const buyer = await newBuyer(t)
    const openid = await openidOf(buyer.userId)
    follow(openid)
    const newPhone = `139${String(Date.now()).slice(-8)}`
    await changePhoneByStaff(t.database.db, buyer.userId, newPhone, async () => {}, t.clock.now)
    await drain()
    const [sent] = deliveredTo(openid)
    expect(sent).toMatchObject({ templateId: 'simTplSecurity' })
    expect(sent?.data.thing1).toBe('您的登录手机号已由工作人员更换')
    expect(JSON.stringify(sent)).not.toContain(newPhone)
    expect(JSON.stringify(sent)).not.toContain(buyer.phone)
  })
})
