import { SmsSendError } from './provider.ts'
import type { TencentSmsDeps, TencentSmsSettings } from './tencent.ts'
import { parseTencentResponse, postTencentSms, safeToken } from './tencent.ts'

/**
 * DescribeSmsTemplateList (2021-01-11): a read-only call that sends nothing and costs nothing. It
 * proves the SecretId/SecretKey are accepted (AuthFailure.* otherwise) and tells whether each
 * configured template is approved, which a real send would otherwise discover with a learner waiting.
 *
 * @see https://cloud.tencent.com/document/api/382/52067 (DescribeSmsTemplateList)
 */

export type TemplateReview = 'approved' | 'reviewing' | 'rejected' | 'missing'

export async function describeTencentSmsTemplates(
  settings: Pick<TencentSmsSettings, 'secretId' | 'secretKey' | 'region' | 'endpoint'>,
  templateIds: readonly string[],
  deps: TencentSmsDeps = {},
): Promise<Map<string, TemplateReview>> {
  const ids = [...new Set(templateIds)]
  if (ids.some((id) => !/^\d{1,12}$/.test(id))) throw new SmsSendError('SMS template ids must be digits', 'InvalidTemplateId')
  const payload = JSON.stringify({ TemplateIdSet: ids.map(Number), International: 0 })
  const { status, text } = await postTencentSms(settings, 'DescribeSmsTemplateList', payload, deps)
  const result = parseTencentResponse(status, text)
  const set = Array.isArray(result.DescribeTemplateStatusSet) ? (result.DescribeTemplateStatusSet as Array<Record<string, unknown>>) : []
  const reviews = new Map<string, TemplateReview>(ids.map((id) => [id, 'missing']))
  for (const item of set) {
    const id = safeToken(String(item.TemplateId ?? ''))
    if (id === undefined || !reviews.has(id)) continue
    // StatusCode: 0 approved, 1 under review, -1 rejected.
    reviews.set(id, item.StatusCode === 0 ? 'approved' : item.StatusCode === 1 ? 'reviewing' : 'rejected')
  }
  return reviews
}
