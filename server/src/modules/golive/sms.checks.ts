import { SmsSendError } from '../../integrations/sms/provider.ts'
import { describeTencentSmsTemplates } from '../../integrations/sms/tencent-templates.ts'
import type { CheckItem, GoLiveInput } from './golive.types.ts'
import { bi, item } from './golive.types.ts'

/**
 * SMS provider credentials, with a read-only template query (nothing is sent, nothing is charged).
 * The signature name and SDK app id are only proven by the first real message.
 */

const SMS_TITLE = bi('短信服务商凭据', 'SMS provider credentials accepted')
const CONSOLE = '腾讯云控制台 → 短信 → 国内短信'

export async function checkSms(input: GoLiveInput): Promise<CheckItem> {
  const sms = input.sms
  if (sms === null) {
    if (input.mode === 'simulator') return item('sms', SMS_TITLE, 'skip', bi('开发模式：验证码写入开发发件箱', 'Development: codes go to the development outbox'))
    return item('sms', SMS_TITLE, 'fail', bi('未配置短信服务商：学员收不到验证码', 'No SMS provider configured: learners would get no codes'),
      bi('设置 SMS_PROVIDER=tencent 与 TENCENT_SMS_* 变量（见 .env.example）。', 'Set SMS_PROVIDER=tencent and the TENCENT_SMS_* variables (see .env.example).'))
  }
  const templates = [...Object.entries(sms.templateIds), ['initial_password', sms.initialPasswordTemplateId] as const].filter(([, id]) => id !== '')
  try {
    const reviews = await describeTencentSmsTemplates(sms, templates.map(([, id]) => id), { fetch: input.fetch, now: input.now, timeoutMs: input.timeoutMs ?? 8_000 })
    const notApproved = templates.filter(([, id]) => reviews.get(id) !== 'approved')
    if (notApproved.length > 0) {
      const list = notApproved.map(([purpose, id]) => `${purpose}=${id} (${reviews.get(id) ?? 'missing'})`).join(', ')
      return item('sms', SMS_TITLE, 'fail', bi(`密钥被接受，但模板未通过审核或不存在：${list}`, `Credentials accepted, but templates are not approved or missing: ${list}`),
        bi(`在 ${CONSOLE} → 正文模板管理 核对模板 ID 与审核状态，更新 TENCENT_SMS_TEMPLATE_*。`, `Check the template ids and their review state at ${CONSOLE} → 正文模板管理 and update TENCENT_SMS_TEMPLATE_*.`))
    }
    if (sms.initialPasswordTemplateId === '') {
      return item('sms', SMS_TITLE, 'warn', bi('密钥被接受；未配置初始密码模板，批量注册的学员收不到初始密码', 'Credentials accepted; no initial-password template, so bulk-registered learners get no initial password'),
        bi('在腾讯云申请初始密码模板并设置 TENCENT_SMS_TEMPLATE_INITIAL_PASSWORD（见 docs/go-live.md）。', 'Have an initial-password template approved and set TENCENT_SMS_TEMPLATE_INITIAL_PASSWORD (see docs/go-live.md).'))
    }
    return item('sms', SMS_TITLE, 'pass',
      bi(`腾讯云接受了密钥，${templates.length} 个模板均已审核通过；签名「${sms.signName}」与 SdkAppId 要由第一条真实短信证明`, `Tencent Cloud accepted the credentials and all ${templates.length} templates are approved; the sign name and SdkAppId are proven by the first real message`))
  } catch (error) {
    const code = error instanceof SmsSendError ? (error.providerCode ?? 'unknown') : 'unknown'
    if (code.startsWith('AuthFailure')) {
      return item('sms', SMS_TITLE, 'fail', bi(`腾讯云拒绝了密钥（${code}）`, `Tencent Cloud refused the credentials (${code})`),
        bi('TENCENT_SMS_SECRET_ID / TENCENT_SMS_SECRET_KEY 应为 腾讯云控制台 → 访问管理 → API密钥管理 中同一对有效密钥，且子账号有短信权限；并开启 NTP 校时。',
          'TENCENT_SMS_SECRET_ID / TENCENT_SMS_SECRET_KEY must be one valid pair from 访问管理 → API密钥管理 whose user may use SMS; keep the clock NTP-synced.'))
    }
    if (code.startsWith('UnauthorizedOperation')) {
      return item('sms', SMS_TITLE, 'fail', bi(`密钥没有短信权限（${code}）`, `The credentials may not use SMS (${code})`),
        bi('在 访问管理 中给该子账号授予 QcloudSMSFullAccess（或只读+发送）策略。', 'Grant the sub-account the QcloudSMSFullAccess policy (or read + send) in 访问管理.'))
    }
    return item('sms', SMS_TITLE, 'fail', bi(`无法确认短信凭据（${code}）`, `Could not confirm the SMS credentials (${code})`),
      bi('检查服务器能否访问 https://sms.tencentcloudapi.com，TENCENT_SMS_ENDPOINT 正式环境应留空。', 'Check that the server reaches https://sms.tencentcloudapi.com; leave TENCENT_SMS_ENDPOINT unset in production.'))
  }
}
