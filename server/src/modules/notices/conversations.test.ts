import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestApp } from '../../../test/app.ts'
import { buildTestApp } from '../../../test/app.ts'
import { bearer, registerLearner } from '../../../test/auth-helpers.ts'
import { signInNewStaff } from '../../../test/staff-helpers.ts'
import { bindNewWechatUser } from '../../../test/wechat-helpers.ts'
import { conversationMessages, noticeSubscriptions, staffAuditLog, wechatBindings } from '../../db/schema.ts'
import { defaultNoticesConfig } from './notices.config.ts'
import { AUTO_REPLY } from './notices.service.ts'

// Our server URL as WeChat calls it (signature, plain and safe mode), and the staff conversation
// routes. The pushes are built here with their own sha1/AES code, apart from the product's.

const TOKEN = 'testservertoken'
const AES_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG' // 43 characters
const config = { ...defaultNoticesConfig(), serverToken: TOKEN, encodingAesKey: AES_KEY }

let t: TestApp
let serverUrl: { url: string; token: string; encodingAesKey: string } | null = null
beforeAll(async () => {
  t = await buildTestApp({ seed: false, config: { notices: config }, simulator: { serverUrl: () => serverUrl } })
  serverUrl = { url: `${t.baseUrl}/api/notices/wechat-server`, token: TOKEN, encodingAesKey: AES_KEY }
})
afterAll(async () => t.close())

const sha1 = (...parts: string[]) => createHash('sha1').update(parts.sort().join('')).digest('hex')
const key = Buffer.from(`${AES_KEY}=`, 'base64')

function encrypt(xml: string): string {
  const msg = Buffer.from(xml)
  const len = Buffer.alloc(4)
  len.writeUInt32BE(msg.length)
  const plain = Buffer.concat([randomBytes(16), len, msg, Buffer.from(t.wechat.appId)])
  const pad = 32 - (plain.length % 32)
  const c = createCipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false)
  return Buffer.concat([c.update(Buffer.concat([plain, Buffer.alloc(pad, pad)])), c.final()]).toString('base64')
}

function decrypt(b64: string): string {
  const d = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false)
  const plain = Buffer.concat([d.update(Buffer.from(b64, 'base64')), d.final()])
  const body = plain.subarray(0, plain.length - (plain[plain.length - 1] ?? 0))
  return body.subarray(20, 20 + body.readUInt32BE(16)).toString()
}

function textXml(openid: string, content: string, msgId: string) {
  return `<xml><ToUserName><![CDATA[gh_test]]></ToUserName><FromUserName><![CDATA[${openid}]]></FromUserName><CreateTime>${Math.floor(t.clock.now.getTime() / 1000)}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${content}]]></Content><MsgId>${msgId}</MsgId></xml>`
}

function push(xml: string, mode: 'plain' | 'aes' = 'plain', tamper = false) {
  const timestamp = String(Math.floor(t.clock.now.getTime() / 1000))
  const nonce = randomBytes(6).toString('hex')
  const signature = sha1(TOKEN, timestamp, nonce)
  if (mode === 'plain') {
    return t.app.inject({ method: 'POST', url: `/api/notices/wechat-server?signature=${tamper ? '0'.repeat(40) : signature}&timestamp=${timestamp}&nonce=${nonce}&openid=x`, headers: { 'content-type': 'text/xml' }, payload: xml })
  }
  const encrypted = encrypt(xml)
  const msgSignature = sha1(TOKEN, timestamp, nonce, encrypted)
  return t.app.inject({
    method: 'POST',
    url: `/api/notices/wechat-server?signature=${signature}&timestamp=${timestamp}&nonce=${nonce}&encrypt_type=aes&msg_signature=${tamper ? '0'.repeat(40) : msgSignature}`,
    headers: { 'content-type': 'text/xml' },
    payload: `<xml><ToUserName><![CDATA[gh_test]]></ToUserName><Encrypt><![CDATA[${encrypted}]]></Encrypt></xml>`,
  })
}

describe('our server URL', () => {
  it('answers WeChat\'s GET check with echostr only when the signature matches', async () => {
    const ok = await t.app.inject({ method: 'GET', url: `/api/notices/wechat-server?signature=${sha1(TOKEN, '1700000000', 'n1')}&timestamp=1700000000&nonce=n1&echostr=hello123` })
    expect(ok.statusCode).toBe(200)
    expect(ok.body).toBe('hello123')
    const bad = await t.app.inject({ method: 'GET', url: `/api/notices/wechat-server?signature=${sha1('other', '1700000000', 'n1')}&timestamp=1700000000&nonce=n1&echostr=hello123` })
    expect(bad.statusCode).toBe(401)
    expect(bad.body).not.toContain('hello123')
  })

  it('plain mode: stores a learner\'s message once (WeChat retries), answers automatically once, refuses a bad signature', async () => {
    const openid = 'o_plain_learner_1'
    const first = await push(textXml(openid, '证书什么时候能打印？', '90001'))
    expect(first.statusCode).toBe(200)
    expect(first.body).toContain(AUTO_REPLY)
    expect(first.body).toContain(`<ToUserName><![CDATA[${openid}]]></ToUserName>`)
    const retry = await push(textXml(openid, '证书什么时候能打印？', '90001'))
    expect(retry.body).toBe('success')
    const second = await push(textXml(openid, '还有一个问题', '90002'))
    expect(second.body).toBe('success') // one automatic answer an hour is enough
    const forged = await push(textXml(openid, '伪造', '90003'), 'plain', true)
    expect(forged.statusCode).toBe(401)
    const stored = await t.database.db.select().from(conversationMessages).where(eq(conversationMessages.openid, openid))
    expect(stored.map((m) => [m.direction, m.content])).toEqual([
      ['in', '证书什么时候能打印？'],
      ['auto', AUTO_REPLY],
      ['in', '还有一个问题'],
    ])
  })

  it('safe mode (AES): decrypts, and encrypts its reply with a valid MsgSignature; a bad msg_signature is refused', async () => {
    // Enough messages that WeChat's 32-byte padding is above 16 for some of them (Node's default check fails on those).
    for (let i = 0; i < 6; i++) {
      const openid = `o_safe_learner_${i}`
      const res = await push(textXml(openid, '你好'.repeat(i + 1), `91${i}`), 'aes')
      expect(res.statusCode).toBe(200)
      const encrypted = /<Encrypt><!\[CDATA\[(.*?)\]\]><\/Encrypt>/.exec(res.body)?.[1] as string
      const ts = /<TimeStamp>(\d+)<\/TimeStamp>/.exec(res.body)?.[1] as string
      const nonce = /<Nonce><!\[CDATA\[(.*?)\]\]><\/Nonce>/.exec(res.body)?.[1] as string
      expect(/<MsgSignature><!\[CDATA\[(.*?)\]\]>/.exec(res.body)?.[1]).toBe(sha1(TOKEN, ts, nonce, encrypted))
      expect(decrypt(encrypted)).toContain(AUTO_REPLY)
    }
    expect((await push(textXml('o_safe_x', 'x', '92000'), 'aes', true)).statusCode).toBe(401)
  })

  it('records 订阅通知 consent from subscribe_msg_popup_event once, and a later refusal', async () => {
    const openid = 'o_popup_learner'
    const at = Math.floor(t.clock.now.getTime() / 1000)
    const popup = `<xml><ToUserName><![CDATA[gh_test]]></ToUserName><FromUserName><![CDATA[${openid}]]></FromUserName><CreateTime>${at}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe_msg_popup_event]]></Event><SubscribeMsgPopupEvent><List><TemplateId><![CDATA[simSubDeadline]]></TemplateId><SubscribeStatusString><![CDATA[accept]]></SubscribeStatusString><PopupScene>1</PopupScene></List><List><TemplateId><![CDATA[OTHER]]></TemplateId><SubscribeStatusString><![CDATA[reject]]></SubscribeStatusString><PopupScene>1</PopupScene></List></SubscribeMsgPopupEvent></xml>`
    expect((await push(popup)).body).toBe('success')
    expect((await push(popup)).body).toBe('success') // WeChat's retry
    const rows = async () => t.database.db.select().from(noticeSubscriptions).where(eq(noticeSubscriptions.openid, openid))
    expect((await rows()).find((r) => r.templateId === 'simSubDeadline')).toMatchObject({ remaining: 1, rejected: false })
    // The official example wraps a change event in the popup wrapper: items are read under any wrapper.
    const change = popup.replace('subscribe_msg_popup_event', 'subscribe_msg_change_event').replace('<CreateTime>' + at, '<CreateTime>' + (at + 5)).replace('accept', 'reject')
    await push(change, 'aes')
    expect((await rows()).find((r) => r.templateId === 'simSubDeadline')).toMatchObject({ remaining: 0, rejected: true })
  })
})

describe('staff conversation routes', () => {
  it('lists conversations with the learner\'s account masked, replies through 客服消息 within the window (audited), refuses after 48 hours', async () => {
    const learner = await registerLearner(t.app)
    await bindNewWechatUser(t, learner)
    const [binding] = await t.database.db.select().from(wechatBindings).where(eq(wechatBindings.userId, learner.userId))
    const openid = binding!.openid
    t.simulator.messages.follows.add(openid)
    t.simulator.messages.userMessaged(openid)
    await push(textXml(openid, '发票开错了怎么办', '93001'))
    const staff = await signInNewStaff(t.app, t.database.db)

    expect((await t.app.inject({ method: 'GET', url: '/api/staff/conversations', headers: bearer(learner.accessToken) })).statusCode).toBe(401)
    const list = (await t.app.inject({ method: 'GET', url: '/api/staff/conversations', headers: bearer(staff.token) })).json()
    const mine = list.conversations.find((c: { id: string }) => c.id === openid)
    expect(mine).toMatchObject({ canReply: true, lastMessage: AUTO_REPLY.slice(0, 60), learner: { userId: learner.userId } })
    expect(JSON.stringify(list)).not.toContain(learner.idNumber)
    expect(JSON.stringify(list)).not.toContain(learner.phone)
    expect(mine.learner.maskedPhone).toMatch(/\*/)

    const replied = await t.app.inject({ method: 'POST', url: `/api/staff/conversations/${openid}/reply`, headers: bearer(staff.token), payload: { content: '您好，请在「我的发票」中申请修改。' } })
    expect(replied.statusCode, replied.body).toBe(200)
    expect(replied.json().messages.map((m: { direction: string }) => m.direction)).toEqual(['in', 'auto', 'out'])
    expect(t.simulator.messages.delivered.filter((d) => d.channel === 'custom' && d.openid === openid).map((d) => d.data.content)).toEqual(['您好，请在「我的发票」中申请修改。'])
    const audit = await t.database.db.select().from(staffAuditLog).where(eq(staffAuditLog.action, 'conversation.reply'))
    expect(audit.map((a) => a.target)).toEqual([`user:${learner.userId}`])

    t.clock.advance(49 * 3600_000)
    const later = await signInNewStaff(t.app, t.database.db) // the first staff session has expired meanwhile
    const late = await t.app.inject({ method: 'POST', url: `/api/staff/conversations/${openid}/reply`, headers: bearer(later.token), payload: { content: '还在吗？' } })
    expect(late.statusCode).toBe(409)
    expect(late.json().code).toBe('CONVERSATION_WINDOW_CLOSED')
  })
})

describe('test message to a staff member\'s own openid', () => {
  it('sends the chosen kind and answers what WeChat said (43004 for an openid that does not follow); audited', async () => {
    const staff = await signInNewStaff(t.app, t.database.db)
    const openid = 'o_staff_member_own'
    t.simulator.messages.known.add(openid)
    const notFollowing = await t.app.inject({ method: 'POST', url: '/api/staff/notices/test', headers: bearer(staff.token), payload: { openid } })
    expect(notFollowing.json()).toMatchObject({ errcode: 43004, channel: 'template' })
    t.simulator.messages.follows.add(openid)
    const sent = await t.app.inject({ method: 'POST', url: '/api/staff/notices/test', headers: bearer(staff.token), payload: { openid, kind: 'certificate_ready' } })
    expect(sent.json()).toMatchObject({ errcode: 0, templateId: 'simTplCertificate', msgid: expect.stringMatching(/^\d{19}$/) })
    expect(t.simulator.messages.delivered.filter((d) => d.openid === openid)).toHaveLength(1)
    const audit = await t.database.db.select().from(staffAuditLog).where(eq(staffAuditLog.action, 'notices.test_message'))
    expect(audit).toHaveLength(2)
  })
})

describe('the H5\'s 订阅通知 offer', () => {
  it('names the reminder template for wx-open-subscribe when reminders go through 订阅通知', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/notices/subscribe-templates' })
    expect(res.json()).toEqual({ deadlineReminder: 'simSubDeadline' })
  })
})

describe('the simulator pushes to our server URL (safe mode), as WeChat does', () => {
  it('a popup accepted in the simulated client is recorded as consent; a learner\'s message is stored and answered', async () => {
    const openid = 'o_sim_pushed_learner'
    const accepted = await t.app.inject({ method: 'POST', url: '/wx-sim/dev/messages/subscribe', payload: { openid, templateId: 'simSubDeadline' } })
    expect(accepted.json()).toEqual({ ok: true, pushed: true })
    const [sub] = await t.database.db.select().from(noticeSubscriptions).where(eq(noticeSubscriptions.openid, openid))
    expect(sub).toMatchObject({ templateId: 'simSubDeadline', remaining: 1, rejected: false })

    const wrote = await t.app.inject({ method: 'POST', url: '/wx-sim/dev/messages/user-message', payload: { openid, content: '怎么开发票？' } })
    expect(wrote.json().reply).toContain('<Encrypt>')
    const stored = await t.database.db.select().from(conversationMessages).where(eq(conversationMessages.openid, openid))
    expect(stored.map((m) => m.direction)).toEqual(['in', 'auto'])

    await t.app.inject({ method: 'POST', url: '/wx-sim/dev/messages/subscribe', payload: { openid, templateId: 'simSubDeadline', status: 'reject', event: 'change' } })
    const [after] = await t.database.db.select().from(noticeSubscriptions).where(eq(noticeSubscriptions.openid, openid))
    expect(after).toMatchObject({ remaining: 0, rejected: true })
  })
})
