import { WechatBadResponseError, WechatNetworkError } from '../../integrations/wechat/errors.ts'
import { listSubscribeTemplates, listTemplateMessageTemplates, type AccountTemplate } from '../../integrations/wechat/messages.ts'
import { defaultNoticesConfig, NOTICE_KEYS, NOTICE_KINDS } from '../notices/notices.config.ts'
import type { CheckItem, GoLiveInput } from './golive.types.ts'
import { bi, item } from './golive.types.ts'

const TITLE = bi('通知模板（模板消息 / 订阅通知）与代码发送的字段一致', 'Notice templates (template messages / subscription notices) match the fields the code sends')

/**
 * Every configured notice template exists on the account (模板消息: get_all_private_template;
 * 订阅通知: /wxaapi/newtmpl/gettemplate) with exactly the keys the code sends; a missing template
 * would be dropped with 40037 and a key mismatch with 47003 at the first learner.
 */
export async function checkNoticeTemplates(input: GoLiveInput, token: string | null): Promise<CheckItem> {
  if (token === null) return item('notice_templates', TITLE, 'skip', bi('未取得 access_token，无法检查', 'Not checked: no access token'))
  const config = input.notices ?? defaultNoticesConfig()
  const options = { fetch: input.fetch, timeoutMs: input.timeoutMs ?? 8_000 }
  let templates: AccountTemplate[]
  let subscribe: AccountTemplate[]
  try {
    ;[templates, subscribe] = await Promise.all([listTemplateMessageTemplates(input.wechat, token, options), listSubscribeTemplates(input.wechat, token, options)])
  } catch (error) {
    const what = error instanceof WechatBadResponseError || error instanceof WechatNetworkError ? error.message : 'error'
    return item('notice_templates', TITLE, 'fail', bi(`读取模板列表失败：${what}`, `Reading the template lists failed: ${what}`),
      bi('确认公众号已开通「模板消息」与「订阅通知」插件（需认证服务号）。', 'Make sure the verified service account has the 模板消息 and 订阅通知 plug-ins enabled.'))
  }
  const problems: string[] = []
  for (const kind of NOTICE_KINDS) {
    const { channel, templateId } = config.templates[kind]
    const found = (channel === 'template' ? templates : subscribe).find((t) => t.templateId === templateId)
    const variable = `NOTICE_TEMPLATE_${kind.toUpperCase()}`
    if (!found) {
      problems.push(`${variable}=${channel}:${templateId} 不在公众号的${channel === 'template' ? '模板消息' : '订阅通知'}模板中`)
      continue
    }
    const expected = NOTICE_KEYS[kind]
    if (found.keys.length !== expected.length || expected.some((k) => !found.keys.includes(k))) {
      problems.push(`${variable}（${found.title}）字段为 ${found.keys.join(',')}，代码发送 ${expected.join(',')}`)
    }
  }
  if (problems.length === 0) {
    return item('notice_templates', TITLE, 'pass', bi(`${NOTICE_KINDS.length} 种通知的模板均存在且字段一致`, `All ${NOTICE_KINDS.length} notice kinds have their template with matching fields`))
  }
  return item('notice_templates', TITLE, 'fail', bi(problems.join('；'), problems.join('; ')),
    bi('在公众号后台选用字段相同的类目模板（模板消息 → 模板库 / 订阅通知 → 公共模板库），把模板 ID 填入对应的 NOTICE_TEMPLATE_* 变量（docs/deployment.md）。',
      'Pick templates with these fields in the admin console and set the matching NOTICE_TEMPLATE_* variables (docs/deployment.md).'))
}
