import { Writable } from 'node:stream'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../../test/app.ts'
import { bearer, newIdNumber, newPhone, PASSWORD, registerLearner as register, type Registered } from '../../../test/auth-helpers.ts'
import { courseOutline, enrol } from '../../../test/factories.ts'
import { signInNewStaff, type SignedInStaff } from '../../../test/staff-helpers.ts'
import { antiIdleAnswers, bulkRegisteredUsers, bulkRegistrations, playbackSessions, projects, questions, staffAuditLog, users, wechatBindings } from '../../db/schema.ts'
import { setDisabledByStaff } from '../auth/learner-admin.service.ts'
import { closeOwnAccount } from '../privacy/privacy.service.ts'

let t: TestApp
let operator: SignedInStaff
let finance: SignedInStaff
const logLines: string[] = []
/** Every learner the tests made, and every number they typed: none may reach a log line. */
const learners: Registered[] = []
const typedNumbers: string[] = []
async function registerLearner(app: TestApp['app'], overrides: Parameters<typeof register>[1] = {}): Promise<Registered> {
  const learner = await register(app, overrides)
  learners.push(learner)
  return learner
}
beforeAll(async () => {
  t = await buildTestApp({
    deps: {
      logger: true,
      logStream: new Writable({
        write(chunk, _enc, done) {
          logLines.push(String(chunk))
          done()
        },
      }),
    },
  })
  operator = await signInNewStaff(t.app, t.database.db, 'operator')
  finance = await signInNewStaff(t.app, t.database.db, 'finance')
})
afterAll(async () => t.close())

const get = (token: string, url: string) => t.app.inject({ method: 'GET', url: `/api/staff/learners${url}`, headers: bearer(token) })
const post = (token: string, url: string, payload: Record<string, unknown>) =>
  t.app.inject({ method: 'POST', url: `/api/staff/learners${url}`, headers: bearer(token), payload })
const auditOf = async (learnerId: number) =>
  t.database.db.select().from(staffAuditLog).where(eq(staffAuditLog.target, `user:${learnerId}`)).orderBy(staffAuditLog.id)
const signInLearner = (account: string, password: string) => t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { account, password } })

/** No response body may carry a full ID number or phone of these learners. */
function expectMasked(body: string, ...learners: Registered[]) {
  for (const l of learners) {
    expect(body).not.toContain(l.idNumber)
    expect(body).not.toContain(l.phone)
  }
}

describe('学员 search (masked, paged)', () => {
  it('finds a learner by exact phone, ID number or name; every role may search; no full number in any answer', async () => {
    const learner = await registerLearner(t.app, { realName: '查找甲' })
    for (const token of [operator.token, finance.token]) {
      const byPhone = await get(token, `?by=phone&q=${learner.phone}`)
      expect(byPhone.statusCode).toBe(200)
      expect(byPhone.json()).toMatchObject({ total: 1, items: [{ id: learner.userId, realName: '查找甲', disabled: false }] })
      expect(byPhone.json().items[0].phoneMasked).toBe(`${learner.phone.slice(0, 3)}****${learner.phone.slice(7)}`)
      expectMasked(byPhone.body, learner)
    }
    const byId = await get(operator.token, `?by=id_number&q=${learner.idNumber.toLowerCase()}`)
    expect(byId.json().items.map((i: { id: number }) => i.id)).toEqual([learner.userId])
    expectMasked(byId.body, learner)
    expect((await get(operator.token, `?by=phone&q=${learner.phone.slice(0, 10)}`)).json().total).toBe(0)
    const detail = await get(finance.token, `/${learner.userId}`)
    expect(detail.statusCode).toBe(200)
    expect(detail.json().profile).toMatchObject({ realName: '查找甲', hasCertificate: false, disabledAt: null })
    expectMasked(detail.body, learner)
  })

  it('a name shared by many is paged on the server and narrowed by 单位', async () => {
    const namesakes = []
    for (let i = 0; i < 3; i++) namesakes.push(await registerLearner(t.app, { realName: '同名乙' }))
    const [run] = await t.database.db
      .insert(bulkRegistrations)
      .values({ staff: 'test', source: 'api', fileName: 'a.xlsx', fileSha256: 'x', rows: 1, created: 1, existed: 0, invalid: 0, smsFailed: 0 })
      .returning()
    await t.database.db.insert(bulkRegisteredUsers).values({ userId: namesakes[1]!.userId, bulkRegistrationId: run!.id, unitName: '重庆市渝中区第一人民医院' })
    const page1 = await get(operator.token, `?by=name&q=${encodeURIComponent('同名乙')}&pageSize=2`)
    expect(page1.json()).toMatchObject({ total: 3, page: 1, pageSize: 2 })
    expect(page1.json().items).toHaveLength(2)
    const page2 = await get(operator.token, `?by=name&q=${encodeURIComponent('同名乙')}&pageSize=2&page=2`)
    expect(page2.json().items).toHaveLength(1)
    expectMasked(page1.body + page2.body, ...namesakes)
    const narrowed = await get(operator.token, `?by=name&q=${encodeURIComponent('同名乙')}&unit=${encodeURIComponent('渝中区第一')}`)
    expect(narrowed.json()).toMatchObject({ total: 1, items: [{ id: namesakes[1]!.userId, unitName: '重庆市渝中区第一人民医院' }] })
    expect((await get(operator.token, `?by=name&q=${encodeURIComponent('同名乙')}&unit=${encodeURIComponent('%')}`)).json().total).toBe(0)
    expect((await get(operator.token, '?by=name&q=x&pageSize=101')).statusCode).toBe(400)
  })
})

describe('查看完整号码', () => {
  it('needs a reason, is audited with it, answers one field; 财务 may not', async () => {
    const learner = await registerLearner(t.app)
    expect((await post(operator.token, `/${learner.userId}/reveal`, { field: 'id_number', reason: '' })).statusCode).toBe(400)
    expect((await post(operator.token, `/${learner.userId}/reveal`, { field: 'id_number' })).statusCode).toBe(400)
    expect((await post(finance.token, `/${learner.userId}/reveal`, { field: 'phone', reason: '核对' })).json().code).toBe('STAFF_FORBIDDEN')
    const res = await post(operator.token, `/${learner.userId}/reveal`, { field: 'id_number', reason: '学员来电核对身份' })
    expect(res.json()).toEqual({ field: 'id_number', value: learner.idNumber })
    expect(res.body).not.toContain(learner.phone)
    const audit = await auditOf(learner.userId)
    expect(audit.map((a) => [a.action, a.staffId, a.detail])).toEqual([['learner.reveal', operator.staffId, { field: 'id_number', reason: '学员来电核对身份' }]])
  })
})

describe('actions on a learner account', () => {
  it('重置密码: texted one-time password, every session ended, the learner must change it; audited', async () => {
    const learner = await registerLearner(t.app)
    const res = await post(operator.token, `/${learner.userId}/reset-password`, { reason: '学员来电：密码重置失败' })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ sessionsEnded: 1, smsSent: true, phoneMasked: `${learner.phone.slice(0, 3)}****${learner.phone.slice(7)}` })
    expect((await t.app.inject({ method: 'GET', url: '/api/me', headers: bearer(learner.accessToken) })).json().code).toBe('SESSION_ENDED_PASSWORD_RESET_BY_STAFF')
    const outbox = await t.app.inject({ method: 'GET', url: `/api/dev/sms-outbox?phone=${learner.phone}` })
    const texted = (outbox.json().messages as { purpose: string; code: string }[]).find((m) => m.purpose === 'initial_password')?.code as string
    expect(texted).toMatch(/^[A-Za-z0-9]{10}$/)
    expect((await signInLearner(learner.phone, PASSWORD)).statusCode).toBe(401)
    const signedIn = await signInLearner(learner.phone, texted)
    expect(signedIn.statusCode).toBe(200)
    expect(signedIn.json().user.mustChangePassword).toBe(true)
    // The texted password opens nothing but 修改密码 and 我的.
    const blocked = await t.app.inject({ method: 'GET', url: '/api/orders', headers: bearer(signedIn.json().accessToken) })
    expect(blocked.json().code).toBe('PASSWORD_CHANGE_REQUIRED')
    const audit = await auditOf(learner.userId)
    expect(audit.map((a) => a.action)).toEqual(['learner.reset_password'])
    expect(JSON.stringify(audit)).not.toContain(texted)
  })

  it('更换手机号 only when the stated name and ID number match; the new phone signs in', async () => {
    const learner = await registerLearner(t.app, { realName: '换号丙' })
    const newNumber = newPhone()
    typedNumbers.push(newNumber)
    const refused = await post(operator.token, `/${learner.userId}/phone`, { newPhone: newNumber, statedName: '换号丙', statedIdNumber: newIdNumber(), reason: '来电换号' })
    expect(refused.statusCode).toBe(422)
    expect(refused.json().code).toBe('LEARNER_IDENTITY_MISMATCH')
    expect((await signInLearner(newNumber, PASSWORD)).statusCode).toBe(401)
    const taken = await registerLearner(t.app)
    const clash = await post(operator.token, `/${learner.userId}/phone`, { newPhone: taken.phone, statedName: '换号丙', statedIdNumber: learner.idNumber, reason: '来电换号' })
    expect(clash.json().code).toBe('PHONE_TAKEN')
    const ok = await post(operator.token, `/${learner.userId}/phone`, { newPhone: newNumber, statedName: ' 换号丙', statedIdNumber: learner.idNumber.toLowerCase(), reason: '来电换号' })
    expect(ok.statusCode).toBe(204)
    expect((await signInLearner(newNumber, PASSWORD)).statusCode).toBe(200)
    expect((await signInLearner(learner.phone, PASSWORD)).statusCode).toBe(401)
    const audit = await auditOf(learner.userId)
    expect(audit.map((a) => a.action)).toEqual(['learner.change_phone_refused', 'learner.change_phone'])
    expect(JSON.stringify(audit)).not.toContain(newNumber)
  })

  it('停用 refuses sign-in and ends sessions; 启用 lets the learner back; the audit commits with the change or not at all', async () => {
    const learner = await registerLearner(t.app)
    expect((await post(operator.token, `/${learner.userId}/disable`, { reason: '学员要求' })).statusCode).toBe(204)
    const refused = await signInLearner(learner.phone, PASSWORD)
    expect(refused.statusCode).toBe(403)
    expect(refused.json().code).toBe('ACCOUNT_DISABLED')
    expect((await t.app.inject({ method: 'GET', url: '/api/me', headers: bearer(learner.accessToken) })).statusCode).toBe(401)
    expect((await post(operator.token, `/${learner.userId}/enable`, { reason: '恢复' })).statusCode).toBe(204)
    expect((await signInLearner(learner.phone, PASSWORD)).statusCode).toBe(200)
    expect((await auditOf(learner.userId)).map((a) => a.action)).toEqual(['learner.disable', 'learner.enable'])

    // The audit record is written in the change's transaction: when it fails, nothing changes.
    await expect(
      setDisabledByStaff(t.database.db, learner.userId, true, async () => Promise.reject(new Error('audit failed')), new Date()),
    ).rejects.toThrow('audit failed')
    const [row] = await t.database.db.select({ disabledAt: users.disabledAt }).from(users).where(eq(users.id, learner.userId))
    expect(row?.disabledAt).toBeNull()
    expect((await post(finance.token, `/${learner.userId}/disable`, { reason: 'x' })).json().code).toBe('STAFF_FORBIDDEN')
  })

  it('解除微信绑定 removes the binding; a learner without one gets WECHAT_NOT_BOUND', async () => {
    const learner = await registerLearner(t.app)
    expect((await post(operator.token, `/${learner.userId}/unbind-wechat`, { reason: '微信号丢失' })).json().code).toBe('WECHAT_NOT_BOUND')
    await t.database.db.insert(wechatBindings).values({ appId: 'wx-test', openid: `o-${learner.userId}`, userId: learner.userId })
    expect((await get(operator.token, `/${learner.userId}`)).json().wechat.bound).toBe(true)
    expect((await post(operator.token, `/${learner.userId}/unbind-wechat`, { reason: '微信号丢失' })).statusCode).toBe(204)
    expect((await get(operator.token, `/${learner.userId}`)).json().wechat).toEqual({ bound: false, boundAt: null })
    expect((await auditOf(learner.userId)).map((a) => a.action)).toEqual(['learner.unbind_wechat'])
  })

  it('更正个人信息 changes name and ID number before a certificate exists; invalid numbers are refused', async () => {
    const learner = await registerLearner(t.app, { realName: '错名丁' })
    const corrected = newIdNumber()
    typedNumbers.push(corrected)
    expect((await post(operator.token, `/${learner.userId}/profile`, { realName: '正名丁', idNumber: '123', reason: '证件核对' })).json().code).toBe('ID_NUMBER_INVALID')
    expect((await post(operator.token, `/${learner.userId}/profile`, { realName: '正名丁', idNumber: corrected, reason: '证件核对' })).statusCode).toBe(204)
    expect((await get(operator.token, `?by=id_number&q=${corrected}`)).json().items[0]).toMatchObject({ id: learner.userId, realName: '正名丁' })
    expect((await signInLearner(corrected, PASSWORD)).statusCode).toBe(200)
    const audit = await auditOf(learner.userId)
    expect(audit.map((a) => [a.action, a.detail])).toEqual([['learner.correct_profile', { reason: '证件核对', changed: ['real_name', 'id_number'] }]])
  })
})

describe('a closed (注销) account', () => {
  it('can be read (nothing personal left) but not acted on', async () => {
    const learner = await registerLearner(t.app)
    await closeOwnAccount(t.database.db, learner.userId, PASSWORD, new Date())
    const detail = await get(operator.token, `/${learner.userId}`)
    expect(detail.statusCode).toBe(200)
    expect(detail.json().profile).toMatchObject({ realName: '已注销用户', phoneMasked: '' })
    for (const [path, body] of [
      ['reset-password', { reason: '来电' }],
      ['reveal', { field: 'phone', reason: '来电' }],
      ['disable', { reason: '来电' }],
    ] as const) {
      const res = await post(operator.token, `/${learner.userId}/${path}`, body)
      expect(res.statusCode, path).toBe(409)
      expect(res.json().code, path).toBe('ACCOUNT_ALREADY_CLOSED')
    }
    expect(await auditOf(learner.userId)).toEqual([])
  })
})

describe('learner detail: progress and the credited timeline', () => {
  it('shows enrolments with per-chapter credit and a paged timeline of playbacks and 防挂机 answers', async () => {
    const learner = await registerLearner(t.app)
    const [project] = await t.database.db.select().from(projects).orderBy(projects.id).limit(1)
    await enrol(t.database.db, learner.userId, project!.id)
    const [course] = await courseOutline(t.database.db, project!.id)
    const chapter = course!.chapters[0]!
    const at = new Date('2026-03-01T02:00:00Z')
    await t.database.db.insert(playbackSessions).values({ id: crypto.randomUUID(), userId: learner.userId, chapterId: chapter.id, status: 'superseded', openedAt: at, creditedMs: 95_000, lastReportAt: new Date(at.getTime() + 100_000) })
    const [question] = await t.database.db.select().from(questions).where(eq(questions.courseId, course!.courseId)).limit(1)
    await t.database.db.insert(antiIdleAnswers).values({ userId: learner.userId, questionId: question!.id, courseId: course!.courseId, chapterId: chapter.id, correct: false, answeredAt: new Date(at.getTime() + 60_000) })
    const detail = (await get(finance.token, `/${learner.userId}`)).json()
    expect(detail.orders).toHaveLength(1)
    expect(detail.enrollments[0]).toMatchObject({ projectId: project!.id, status: 'active', countedHours: 0 })
    expect(detail.enrollments[0].courses[0].chapters[0]).toMatchObject({ chapterId: chapter.id, creditedSeconds: 0, completedAt: null })
    const timeline = await get(finance.token, `/${learner.userId}/timeline?courseId=${course!.courseId}&pageSize=1`)
    expect(timeline.json()).toMatchObject({ total: 2, items: [{ kind: 'answer', correct: false, creditedSeconds: null, question: question!.prompt }] })
    const second = await get(finance.token, `/${learner.userId}/timeline?courseId=${course!.courseId}&pageSize=1&page=2`)
    expect(second.json().items[0]).toMatchObject({ kind: 'playback', creditedSeconds: 95, at: at.toISOString() })
  })
})

describe('personal data in the logs', () => {
  it('no log line carries a full ID number or phone of any learner searched, shown or changed above', () => {
    expect(logLines.length).toBeGreaterThan(20)
    const log = logLines.join('')
    for (const l of learners) {
      expect(log).not.toContain(l.idNumber)
      expect(log).not.toContain(l.phone)
    }
    for (const n of typedNumbers) expect(log).not.toContain(n)
  })
})
