import { randomBytes } from 'node:crypto'
import ExcelJS from 'exceljs'
import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { maskIdNumber, maskPhone, PRIVACY_POLICY_VERSION } from '@app/shared'
import { buildTestApp, type TestApp } from '../../../test/app.ts'
import { bearer, cookieValue, PASSWORD, registerLearner, type Registered } from '../../../test/auth-helpers.ts'
import { firstProject } from '../../../test/catalogue-helpers.ts'
import { enrol } from '../../../test/factories.ts'
import { paidOrder } from '../../../test/invoices-helpers.ts'
import { completePlan } from '../../../test/learning-helpers.ts'
import { signInNewStaff } from '../../../test/staff-helpers.ts'
import { bindNewWechatUser } from '../../../test/wechat-helpers.ts'
import { accountClosures, consents, invoices, invoiceTitles, orders, sessions, staffAuditLog, users, wechatBindings } from '../../db/schema.ts'
import { SAMPLE_PERSONAL_DATA_KEYS } from '../../app/app.config.ts'
import { usePersonalDataKeys } from '../../crypto/personal-data.ts'
import { countPendingPersonalData, sealPersonalData } from '../../crypto/personal-data.rotation.ts'
import { seedSampleOrganisations } from '../certificates/organisations.seed.ts'

let t: TestApp
let projectId: number
let unitId: number
beforeAll(async () => {
  t = await buildTestApp()
  await seedSampleOrganisations(t.database.db)
  projectId = (await firstProject(t)).id
  const someone = await registerLearner(t.app)
  const units = await t.app.inject({ method: 'GET', url: `/api/certificates/organisations?q=${encodeURIComponent('设计研究院')}`, headers: bearer(someone.accessToken) })
  unitId = units.json().organisations[0].id
})
afterAll(async () => t.close())

const get = (url: string, token: string) => t.app.inject({ method: 'GET', url, headers: bearer(token) })
const myData = (learner: Registered, reveal = false) => get(`/api/privacy/my-data${reveal ? '?reveal=true' : ''}`, learner.accessToken)
const exportLink = async (learner: Registered) => {
  const res = await t.app.inject({ method: 'POST', url: '/api/privacy/my-data/export-link', headers: bearer(learner.accessToken) })
  expect(res.statusCode).toBe(200)
  return res.json().url as string
}
const close = (token: string, password = PASSWORD) => t.app.inject({ method: 'POST', url: '/api/privacy/closure', headers: bearer(token), payload: { password, confirm: true } })
const login = (account: string, password = PASSWORD) => t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { account, password } })

async function workbookText(buffer: Buffer): Promise<Record<string, string[][]>> {
  const book = new ExcelJS.Workbook()
  await book.xlsx.load(buffer as unknown as ArrayBuffer)
  const sheets: Record<string, string[][]> = {}
  book.eachSheet((sheet) => {
    const rows: string[][] = []
    sheet.eachRow((row) => rows.push((row.values as unknown[]).slice(1).map((v) => String(v ?? ''))))
    sheets[sheet.name] = rows
  })
  return sheets
}

async function pendingOrder(learner: Registered) {
  const res = await t.app.inject({ method: 'POST', url: '/api/orders', headers: bearer(learner.accessToken), payload: { projectId, invoice: { choice: 'later' } } })
  expect(res.statusCode).toBe(201)
  return res.json().id as number
}

async function invoiceRequested(learner: Registered) {
  const order = await paidOrder(t.database.db, learner.userId, projectId, t.clock.now)
  const [invoice] = await t.database.db
    .insert(invoices)
    .values({
      orderId: order.id,
      ownerUserId: learner.userId,
      state: 'requested',
      titleType: 'personal',
      title: learner.realName,
      email: 'learner@example.cn',
      itemName: '*非学历教育服务*培训费',
      taxCode: '3070201020000000000',
      taxRateBasisPoints: 300,
      amountFen: order.amountFen,
      taxFen: 262,
      createdAt: t.clock.now,
      updatedAt: t.clock.now,
    })
    .returning()
  return { order, invoice: invoice! }
}

async function issueCertificate(learner: Registered) {
  await enrol(t.database.db, learner.userId, projectId, t.clock.now)
  await completePlan(t, learner, projectId)
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/certificates',
    headers: bearer(learner.accessToken),
    payload: { projectId, confirmName: learner.realName, confirmIdNumber: learner.idNumber, organisation: { unitId } },
  })
  expect(res.statusCode).toBe(201)
  return res.json().number as string
}

describe('我的个人信息 (PIPL art. 45)', () => {
  it('shows the owner their profile masked, in full only when they ask, with orders, invoices, saved titles and consents — and nothing of anyone else', async () => {
    const owner = await registerLearner(t.app, { realName: '周晓芸' })
    const other = await registerLearner(t.app, { realName: '吴其他' })
    await paidOrder(t.database.db, owner.userId, projectId, t.clock.now)
    await t.database.db.insert(invoiceTitles).values({ userId: owner.userId, titleType: 'personal', title: '周晓芸', email: 'zhou@example.cn', updatedAt: t.clock.now })
    await paidOrder(t.database.db, other.userId, projectId, t.clock.now)
    await t.database.db.insert(invoiceTitles).values({ userId: other.userId, titleType: 'personal', title: '吴其他', email: 'wu@example.cn', updatedAt: t.clock.now })

    const masked = await myData(owner)
    expect(masked.statusCode).toBe(200)
    expect(masked.headers['cache-control']).toBe('private, no-store')
    const data = masked.json()
    expect(data.profile).toMatchObject({ realName: '周晓芸', idNumber: maskIdNumber(owner.idNumber), phone: maskPhone(owner.phone), revealed: false, wechatBound: false })
    expect(masked.body).not.toContain(owner.idNumber)
    expect(masked.body).not.toContain(owner.phone)
    expect(data.orders).toHaveLength(1)
    expect(data.orders[0]).toMatchObject({ status: 'paid', quantity: 1 })
    expect(data.invoiceTitles).toEqual([{ titleType: 'personal', title: '周晓芸', taxpayerId: '', email: 'zhou@example.cn' }])
    expect(data.consents.map((c: { kind: string; policyVersion: string }) => [c.kind, c.policyVersion]).sort()).toEqual([
      ['policy', PRIVACY_POLICY_VERSION],
      ['sensitive_id', PRIVACY_POLICY_VERSION],
    ])

    const revealed = (await myData(owner, true)).json()
    expect(revealed.profile).toMatchObject({ idNumber: owner.idNumber, phone: owner.phone, revealed: true })
    for (const body of [masked.body, JSON.stringify(revealed)]) {
      for (const foreign of [other.idNumber, other.phone, '吴其他', 'wu@example.cn']) expect(body).not.toContain(foreign)
    }
  })

  it('downloads as a workbook by a signed 15-minute link, one sheet per section, the owner\'s rows only', async () => {
    const owner = await registerLearner(t.app, { realName: '郑下载' })
    const other = await registerLearner(t.app, { realName: '王旁人' })
    await paidOrder(t.database.db, owner.userId, projectId, t.clock.now)
    await paidOrder(t.database.db, other.userId, projectId, t.clock.now)
    const url = await exportLink(owner)
    expect(url).toMatch(new RegExp(`^/api/privacy/files/${owner.userId}/my-data\\.xlsx\\?expires=\\d+&sig=`))

    // No access token: the link alone opens it, as inside WeChat.
    const file = await t.app.inject({ method: 'GET', url })
    expect(file.statusCode).toBe(200)
    expect(file.headers['content-type']).toContain('spreadsheetml')
    expect(file.headers['content-disposition']).toContain(encodeURIComponent('我的个人信息.xlsx'))
    const sheets = await workbookText(file.rawPayload)
    expect(Object.keys(sheets)).toEqual(['账号信息', '订单', '学习计划', '课程学习', '证书', '发票', '发票抬头', '同意记录'])
    expect(sheets['账号信息']).toContainEqual(['身份证号', owner.idNumber])
    expect(sheets['账号信息']).toContainEqual(['手机号', owner.phone])
    expect(sheets['订单']).toHaveLength(2) // header + the owner's one order
    expect(sheets['订单']![1]).toContain('已支付')
    expect(sheets['同意记录']!.slice(1).map((r) => r[0])).toEqual([PRIVACY_POLICY_VERSION, PRIVACY_POLICY_VERSION])
    const everything = JSON.stringify(sheets)
    for (const foreign of [other.idNumber, other.phone, '王旁人']) expect(everything).not.toContain(foreign)

    // The signature names one account's file, and the link expires.
    const forOther = url.replace(`/files/${owner.userId}/`, `/files/${other.userId}/`)
    expect((await t.app.inject({ method: 'GET', url: forOther })).json().code).toBe('FILE_LINK_INVALID')
    expect((await t.app.inject({ method: 'GET', url: url.replace(/sig=./, 'sig=A') })).statusCode).toBe(403)
    t.clock.advance(16 * 60_000)
    const expired = await t.app.inject({ method: 'GET', url })
    expect(expired.statusCode).toBe(403)
    expect(expired.json().code).toBe('FILE_LINK_INVALID')
  })

  it('is for a signed-in learner only', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/api/privacy/my-data' })).statusCode).toBe(401)
    expect((await t.app.inject({ method: 'POST', url: '/api/privacy/closure', payload: { password: PASSWORD, confirm: true } })).statusCode).toBe(401)
  })
})

describe('注销账号: refused while something is under way', () => {
  it('refuses with a pending order, records the request for staff, and keeps the account working', async () => {
    const learner = await registerLearner(t.app)
    await pendingOrder(learner)
    const check = (await get('/api/privacy/closure', learner.accessToken)).json()
    expect(check.allowed).toBe(false)
    expect(check.blockers.map((b: { code: string }) => b.code)).toEqual(['CLOSURE_ORDER_PENDING'])
    expect(check.removed.length).toBeGreaterThan(0)
    expect(check.kept.map((k: { what: string }) => k.what).join()).toContain('证书')

    const res = await close(learner.accessToken)
    expect(res.statusCode).toBe(409)
    expect(res.json()).toMatchObject({ code: 'CLOSURE_ORDER_PENDING', message: expect.stringContaining('未支付的订单') })
    expect((await login(learner.idNumber)).statusCode).toBe(200)
    expect((await myData(learner)).statusCode).toBe(200)
    const [record] = await t.database.db.select().from(accountClosures).where(eq(accountClosures.userId, learner.userId))
    expect(record).toMatchObject({ status: 'refused', blockers: ['CLOSURE_ORDER_PENDING'], closedAt: null })
  })

  it('refuses while an invoice is being issued', async () => {
    const learner = await registerLearner(t.app)
    await invoiceRequested(learner)
    const res = await close(learner.accessToken)
    expect(res.statusCode).toBe(409)
    expect(res.json()).toMatchObject({ code: 'CLOSURE_INVOICE_IN_PROGRESS', message: expect.stringContaining('发票') })
    expect((await login(learner.phone)).statusCode).toBe(200)
  })

  it('refuses while a refund is in progress', async () => {
    const learner = await registerLearner(t.app)
    const order = await paidOrder(t.database.db, learner.userId, projectId, t.clock.now)
    await t.database.db.update(orders).set({ status: 'refunding' }).where(eq(orders.id, order.id))
    const res = await close(learner.accessToken)
    expect(res.statusCode).toBe(409)
    expect(res.json()).toMatchObject({ code: 'CLOSURE_REFUND_IN_PROGRESS', message: expect.stringContaining('退款') })
  })

  it('refuses a wrong password without telling anything else, and counts it like a sign-in', async () => {
    const learner = await registerLearner(t.app)
    const res = await close(learner.accessToken, 'not-my-password-1')
    expect(res.statusCode).toBe(400)
    expect(res.json().code).toBe('CURRENT_PASSWORD_WRONG')
    expect((await t.database.db.select().from(accountClosures).where(eq(accountClosures.userId, learner.userId)))).toEqual([])
    expect((await myData(learner)).statusCode).toBe(200)
  })
})

describe('注销账号: the closure', () => {
  it('ends every session, removes sign-in and personal data, keeps certificate, orders and consents; the person can register again', async () => {
    const learner = await registerLearner(t.app, { realName: '冯注销' })
    const certificateNumber = await issueCertificate(learner)
    const order = await paidOrder(t.database.db, learner.userId, projectId, t.clock.now)
    await t.database.db.insert(invoiceTitles).values({ userId: learner.userId, titleType: 'personal', title: '冯注销', email: 'feng@example.cn', updatedAt: t.clock.now })
    const wechatToken = await bindNewWechatUser(t, learner)
    const secondDevice = await login(learner.phone)
    const oldLink = await exportLink(learner)
    // Before: the study summary per plan and course, and the certificate with its ID number masked.
    const before = (await myData(learner)).json()
    expect(before.plans).toHaveLength(1)
    expect(before.plans[0].countedHours).toBeGreaterThanOrEqual(before.plans[0].requiredHours)
    expect(before.plans[0].completedAt).toEqual(expect.any(String))
    expect(before.courses.length).toBeGreaterThan(0)
    expect(before.courses.every((c: { hours: number; creditedMinutes: number }) => c.hours > 0 && c.creditedMinutes >= 0)).toBe(true)
    expect(before.certificates).toEqual([expect.objectContaining({ number: certificateNumber, realName: '冯注销', idNumber: maskIdNumber(learner.idNumber) })])
    expect(before.profile.wechatBound).toBe(true)

    const res = await close(wechatToken)
    expect(res.statusCode).toBe(200)
    expect(res.json().closedAt).toEqual(expect.any(String))
    expect(res.headers['set-cookie']).toEqual(expect.stringContaining('jx_rt=;'))

    // Every device is signed out, the refresh tokens die with the sessions.
    for (const token of [learner.accessToken, wechatToken, secondDevice.json().accessToken as string]) expect((await get('/api/me', token)).statusCode).toBe(401)
    const refresh = await t.app.inject({ method: 'POST', url: '/api/auth/refresh', cookies: { jx_rt: cookieValue(secondDevice, 'jx_rt') ?? '' } })
    expect(refresh.statusCode).toBe(401)
    const live = await t.database.db.select().from(sessions).where(and(eq(sessions.userId, learner.userId)))
    expect(live.every((s) => s.revokedAt !== null && s.revokedReason === 'account_closed')).toBe(true)
    // Neither the ID number nor the phone signs in any more; the WeChat binding is gone.
    expect((await login(learner.idNumber)).json().code).toBe('INVALID_CREDENTIALS')
    expect((await login(learner.phone)).json().code).toBe('INVALID_CREDENTIALS')
    expect(await t.database.db.select().from(wechatBindings).where(eq(wechatBindings.userId, learner.userId))).toEqual([])
    expect(await t.database.db.select().from(invoiceTitles).where(eq(invoiceTitles.userId, learner.userId))).toEqual([])
    // The row stays (orders, certificates and consents point to it) with nothing that identifies the person.
    const [row] = await t.database.db.select().from(users).where(eq(users.id, learner.userId))
    expect(row).toMatchObject({ realName: '已注销用户', idNumberIndex: null, phoneIndex: null, legacyIdNumber: null, legacyPhone: null })
    expect(JSON.stringify(row)).not.toContain('冯注销')
    // The old download link shows nothing.
    expect((await t.app.inject({ method: 'GET', url: oldLink })).json().code).toBe('FILE_LINK_INVALID')

    // What must be kept is kept.
    const verified = await t.app.inject({ method: 'GET', url: `/api/verify/${certificateNumber}` })
    expect(verified.json()).toMatchObject({ genuine: true, signatureValid: true, certificate: { realName: '冯注销' } })
    const [kept] = await t.database.db.select().from(orders).where(eq(orders.id, order.id))
    expect(kept).toMatchObject({ buyerUserId: learner.userId, status: 'paid', amountFen: order.amountFen })
    expect((await t.database.db.select().from(consents).where(eq(consents.userId, learner.userId))).length).toBe(2)
    const [record] = await t.database.db.select().from(accountClosures).where(eq(accountClosures.userId, learner.userId))
    expect(record).toMatchObject({ status: 'closed', closedBy: 'self', staffId: null, blockers: [] })

    // The same person registers again with the same ID number and phone: a new account.
    const again = await registerLearner(t.app, { idNumber: learner.idNumber, phone: learner.phone, realName: '冯注销' })
    expect(again.userId).not.toBe(learner.userId)
    expect((await login(learner.idNumber)).statusCode).toBe(200)
    const fresh = (await myData(again)).json()
    expect(fresh.orders).toEqual([])
    expect(fresh.certificates).toEqual([])
  })
})

describe('staff: closure records and closing a refused request (audited)', () => {
  it('lists records masked, refuses learner tokens, closes a refused request once resolved, and audits it', async () => {
    const staff = await signInNewStaff(t.app, t.database.db)
    const learner = await registerLearner(t.app, { realName: '陈等待' })
    const orderId = await pendingOrder(learner)
    expect((await close(learner.accessToken)).statusCode).toBe(409)

    expect((await get('/api/staff/account-closures', learner.accessToken)).json().code).toBe('STAFF_UNAUTHORIZED')
    const list = await get('/api/staff/account-closures?status=refused&pageSize=100', staff.token)
    expect(list.statusCode).toBe(200)
    const entry = list.json().closures.find((c: { userId: number }) => c.userId === learner.userId)
    expect(entry).toMatchObject({ status: 'refused', blockers: ['CLOSURE_ORDER_PENDING'], realNameMasked: '陈*待', phoneMasked: maskPhone(learner.phone), closedAt: null })
    expect(list.body).not.toContain(learner.phone)
    expect(list.body).not.toContain(learner.idNumber)
    expect(list.body).not.toContain('陈等待')

    const staffClose = (id: number) => t.app.inject({ method: 'POST', url: `/api/staff/account-closures/${id}/close`, headers: bearer(staff.token), payload: { note: '订单已关闭，电话核实后办理' } })
    // Still pending: staff must resolve it first.
    expect((await staffClose(entry.id)).json().code).toBe('CLOSURE_ORDER_PENDING')
    await t.database.db.update(orders).set({ status: 'closed', closedAt: t.clock.now }).where(eq(orders.id, orderId))
    const closed = await staffClose(entry.id)
    expect(closed.statusCode).toBe(200)
    expect(closed.json()).toMatchObject({ id: entry.id, status: 'closed', closedBy: 'staff', staffId: staff.staffId, realNameMasked: '已注销用户', phoneMasked: null })
    expect((await login(learner.idNumber)).json().code).toBe('INVALID_CREDENTIALS')
    expect((await get('/api/me', learner.accessToken)).statusCode).toBe(401)
    const audit = await t.database.db.select().from(staffAuditLog).where(and(eq(staffAuditLog.staffId, staff.staffId), eq(staffAuditLog.action, 'account.close')))
    expect(audit).toEqual([expect.objectContaining({ target: `user:${learner.userId}`, detail: { closureId: entry.id } })])

    expect((await staffClose(entry.id)).json().code).toBe('ACCOUNT_ALREADY_CLOSED')
    expect((await staffClose(999_999)).json().code).toBe('CLOSURE_NOT_FOUND')
    const closedList = (await get('/api/staff/account-closures?status=closed&pageSize=100', staff.token)).json()
    expect(closedList.closures.some((c: { id: number }) => c.id === entry.id)).toBe(true)
    expect(closedList.total).toBeGreaterThanOrEqual(1)
  })
})

describe('closed accounts and key rotation', () => {
  it('rotate-data-key re-seals closed accounts without giving them an index (two closed accounts do not collide)', async () => {
    const closedIds: number[] = []
    for (let i = 0; i < 2; i++) {
      const learner = await registerLearner(t.app)
      expect((await close(learner.accessToken)).statusCode).toBe(200)
      closedIds.push(learner.userId)
    }
    const open = await registerLearner(t.app)
    try {
      usePersonalDataKeys({ ...SAMPLE_PERSONAL_DATA_KEYS, current: 'rotated', keys: new Map([...SAMPLE_PERSONAL_DATA_KEYS.keys, ['rotated', randomBytes(32)]]), sample: false })
      expect(await sealPersonalData(t.database.db, { batchSize: 50 })).toBe(true)
      expect(Object.values(await countPendingPersonalData(t.database.db)).every((n) => n === 0)).toBe(true)
      for (const id of closedIds) {
        const [row] = await t.database.db.select().from(users).where(eq(users.id, id))
        expect(row).toMatchObject({ idNumberIndex: null, phoneIndex: null, realName: '已注销用户' })
        expect(row?.idNumberSealed?.startsWith('v1:rotated:')).toBe(true)
      }
      expect((await login(open.idNumber)).statusCode).toBe(200)
    } finally {
      usePersonalDataKeys(SAMPLE_PERSONAL_DATA_KEYS)
    }
  })
})
