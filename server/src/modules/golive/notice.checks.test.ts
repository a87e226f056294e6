import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../../test/app.ts'
import { getAccessToken } from '../../integrations/wechat/access-token.ts'
import { defaultNoticesConfig } from '../notices/notices.config.ts'
import { checkNoticeTemplates } from './notice.checks.ts'
import type { GoLiveInput } from './golive.types.ts'

let t: TestApp
beforeAll(async () => {
  t = await buildTestApp({ seed: false })
})
afterAll(async () => t.close())

const input = (notices = defaultNoticesConfig()): GoLiveInput => ({ mode: 'simulator', wechat: t.wechat, publicBaseUrl: t.baseUrl, siteFilesDir: null, sms: null, notices })

describe('go-live: notice templates on the account', () => {
  it('passes with the sample configuration against the simulator; names the variable of a missing template and of a template with other fields', async () => {
    const token = await getAccessToken(t.database.db, t.wechat)
    expect((await checkNoticeTemplates(input(), token)).verdict).toBe('pass')

    const wrong = defaultNoticesConfig()
    wrong.templates.certificate_ready = { channel: 'template', templateId: 'DELETED_ON_THE_ACCOUNT' }
    wrong.templates.password_reset = { channel: 'template', templateId: 'simTplPaymentOk' }
    wrong.templates.deadline_reminder = { channel: 'template', templateId: 'simSubDeadline' } // a 订阅通知 id used as 模板消息
    const failed = await checkNoticeTemplates(input(wrong), token)
    expect(failed.verdict).toBe('fail')
    expect(failed.detail.zh).toContain('NOTICE_TEMPLATE_CERTIFICATE_READY=template:DELETED_ON_THE_ACCOUNT')
    expect(failed.detail.zh).toContain('NOTICE_TEMPLATE_PASSWORD_RESET（支付成功通知）字段为 thing1,amount2,character_string3,time4')
    expect(failed.detail.zh).toContain('NOTICE_TEMPLATE_DEADLINE_REMINDER')
    expect(failed.fix?.zh).toContain('NOTICE_TEMPLATE_')
  })

  it('is skipped without an access token', async () => {
    expect((await checkNoticeTemplates(input(), null)).verdict).toBe('skip')
  })
})
