import { describe, expect, it } from 'vitest'
import { parseNotices } from './notices.config.ts'
import { dueReminderStage, fitValue, NoticeValueError, verdictFor } from './notices.rules.ts'

describe('notice configuration', () => {
  it('takes a channel and template per kind, the reminder schedule and the server URL keys', () => {
    const config = parseNotices({
      NOTICE_TEMPLATE_PAYMENT_SUCCEEDED: 'template:Xk8aBc-9_z',
      NOTICE_TEMPLATE_DEADLINE_REMINDER: 'subscribe:Qm2',
      REMINDER_DEADLINE: '2026-12-31',
      REMINDER_DAYS_BEFORE: '3, 30,14',
      WECHAT_SERVER_TOKEN: 'tok',
      WECHAT_ENCODING_AES_KEY: 'a'.repeat(43),
    })
    expect(config.templates.payment_succeeded).toEqual({ channel: 'template', templateId: 'Xk8aBc-9_z' })
    expect(config.templates.deadline_reminder).toEqual({ channel: 'subscribe', templateId: 'Qm2' })
    expect(config.reminders).toEqual({ deadline: '2026-12-31', daysBefore: [30, 14, 3] })
    expect(config.encodingAesKey).toBe('a'.repeat(43))
  })

  it.each([
    [{ NOTICE_TEMPLATE_CERTIFICATE_READY: 'Xk8aBc' }, 'NOTICE_TEMPLATE_CERTIFICATE_READY=template:'],
    [{ REMINDER_DEADLINE: '31.12.2026' }, 'REMINDER_DEADLINE=2026-12-31'],
    [{ REMINDER_DAYS_BEFORE: '30,0' }, 'REMINDER_DAYS_BEFORE=30,14,3'],
    [{ WECHAT_ENCODING_AES_KEY: 'short' }, '43 characters'],
  ])('refuses %o with an example', (env, example) => {
    expect(() => parseNotices(env)).toThrow(example)
  })
})

describe('value rules', () => {
  it('cuts text to 20 characters with an ellipsis, drops line breaks, masks an ID number or a phone in free text', () => {
    expect(fitValue('thing1', '重庆市2026年专业技术人员继续教育公需科目（第二批）')).toBe('重庆市2026年专业技术人员继续教育公…')
    expect([...fitValue('thing1', '重庆市2026年专业技术人员继续教育公需科目（第二批）')]).toHaveLength(20)
    expect(fitValue('thing2', '第一行\n第二行')).toBe('第一行 第二行')
    expect(fitValue('thing3', '请联系13800138000')).not.toContain('13800138000')
    expect(fitValue('thing3', '证件11010519491231002X')).not.toContain('11010519491231002X')
  })

  it('refuses what WeChat would refuse: Chinese in character_string, long phrases, an ID number as a code, bad amounts', () => {
    expect(() => fitValue('character_string2', '订单J1')).toThrow(NoticeValueError)
    expect(() => fitValue('character_string2', '11010519491231002X')).toThrow(NoticeValueError)
    expect(() => fitValue('phrase3', '已经开具完成了')).toThrow(NoticeValueError)
    expect(() => fitValue('amount2', '99元整')).toThrow(NoticeValueError)
    expect(() => fitValue('thing1', '  ')).toThrow(NoticeValueError)
    expect(fitValue('amount2', '¥1980.00')).toBe('¥1980.00')
    expect(fitValue('phrase3', '已红冲')).toBe('已红冲')
  })

  it('decides retry, pause, token refresh or drop by errcode', () => {
    expect(verdictFor(-1).kind).toBe('retry')
    expect(verdictFor(45011).kind).toBe('pause_minute')
    expect(verdictFor(45009).kind).toBe('pause_day')
    expect(verdictFor(42001).kind).toBe('token')
    expect(verdictFor(43004)).toEqual({ kind: 'drop', reason: 'not_following' })
    expect(verdictFor(43101)).toEqual({ kind: 'drop', reason: 'no_subscription' })
    expect(verdictFor(47003)).toEqual({ kind: 'drop', reason: 'bad_field' })
    expect(verdictFor(99999)).toEqual({ kind: 'drop', reason: 'errcode_99999' })
  })

  it('picks the reminder point that has passed last, none before the first or after the deadline', () => {
    const deadline = new Date('2026-12-31T15:59:59Z')
    const at = (iso: string) => dueReminderStage(deadline, [30, 14, 3], new Date(iso))
    expect(at('2026-11-30T00:00:00Z')).toBeNull()
    expect(at('2026-12-02T00:00:00Z')).toBe(30)
    expect(at('2026-12-20T00:00:00Z')).toBe(14)
    expect(at('2026-12-30T00:00:00Z')).toBe(3)
    expect(at('2027-01-01T00:00:00Z')).toBeNull()
  })
})
