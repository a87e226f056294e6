// Field rules of POST /v3/pay/transactions/jsapi and of refunds (§3.5, §3.10).
import type { SimContext } from './context.ts'
import { ERRNO, paramError, type PayError } from './pay-errors.ts'
import { DAY, hasFourByteChar, isRecord, MINUTE, parseRfc3339, utf8Bytes } from './util.ts'

export interface PrepayInput {
  appid: string
  mchid: string
  description: string
  outTradeNo: string
  timeExpire: number
  attach?: string
  notifyUrl: string
  total: number
  currency: string
  openid: string
}

type Checked<T> = { ok: true; value: T } | { ok: false; error: PayError }
const bad = (error: PayError) => ({ ok: false as const, error })

/** Bodies may only contain 1–3-byte UTF-8 characters (§3.1). */
function findFourByte(value: unknown, path: string): string | undefined {
  if (typeof value === 'string') return hasFourByteChar(value) ? path : undefined
  if (Array.isArray(value)) return value.map((v, i) => findFourByte(v, `${path}/${i}`)).find(Boolean)
  if (isRecord(value)) return Object.entries(value).map(([k, v]) => findFourByte(v, `${path}/${k}`)).find(Boolean)
  return undefined
}

function str(body: Record<string, unknown>, field: string, maxBytes: number, required: boolean): Checked<string | undefined> {
  const value = body[field]
  if (value === undefined) return required ? bad(paramError(`/${field}`, `${field}为必填参数`)) : { ok: true, value: undefined }
  if (typeof value !== 'string') return bad(paramError(`/${field}`, `${field}应为字符串`, value))
  if (required && value.length === 0) return bad(paramError(`/${field}`, `${field}不能为空`))
  if (utf8Bytes(value) > maxBytes) return bad(paramError(`/${field}`, `${field}长度超过${maxBytes}字节`, value))
  return { ok: true, value }
}

export function checkNotifyUrl(ctx: SimContext, value: string, field: string): PayError | undefined {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return paramError(field, 'notify_url必须为绝对地址', value)
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && ctx.config.allowHttpNotifyUrl)) {
    return paramError(field, 'notify_url必须为https地址', value)
  }
  if (value.includes('?') || value.includes('#')) return paramError(field, 'notify_url不能携带参数', value)
  return undefined
}

export function validatePrepay(ctx: SimContext, json: unknown): Checked<PrepayInput> {
  if (!isRecord(json)) return bad(paramError('/', '请求体应为JSON对象'))
  const fourByte = findFourByte(json, '')
  if (fourByte) return bad(paramError(fourByte, '参数中含有不支持的字符（4字节UTF-8字符，如emoji）'))
  const fields: Record<string, Checked<string | undefined>> = {
    appid: str(json, 'appid', 32, true),
    mchid: str(json, 'mchid', 32, true),
    description: str(json, 'description', 127, true),
    out_trade_no: str(json, 'out_trade_no', 32, true),
    time_expire: str(json, 'time_expire', 64, false),
    attach: str(json, 'attach', 128, false),
    notify_url: str(json, 'notify_url', 255, true),
  }
  for (const checked of Object.values(fields)) if (!checked.ok) return checked
  const get = (name: string) => { const c = fields[name]; return c?.ok ? c.value : undefined; }
  const appid = get('appid')!
  const outTradeNo = get('out_trade_no')!
  const notifyUrl = get('notify_url')!
  if (!/^[0-9A-Za-z_\-*|]{6,32}$/.test(outTradeNo)) return bad(paramError('/out_trade_no', 'out_trade_no须为6-32位数字、大小写字母、_-*|', outTradeNo))
  const urlProblem = checkNotifyUrl(ctx, notifyUrl, '/notify_url')
  if (urlProblem) return bad(urlProblem)

  const amount = json.amount
  if (!isRecord(amount)) return bad(paramError('/amount', 'amount为必填参数'))
  if (typeof amount.total !== 'number' || !Number.isInteger(amount.total) || amount.total < 1) {
    return bad(paramError('/amount/total', '订单金额必须为正整数（单位：分）', amount.total))
  }
  if (amount.currency !== undefined && amount.currency !== 'CNY') return bad(paramError('/amount/currency', '币种只支持CNY', amount.currency))
  const payer = json.payer
  const openid = isRecord(payer) ? payer.openid : undefined
  if (typeof openid !== 'string' || openid.length === 0) {
    return bad({ status: 400, code: 'PARAM_ERROR', message: 'JSAPI支付必须传openid', errno: ERRNO.openidMissing })
  }

  if (appid !== ctx.config.appId) return bad({ status: 400, code: 'APPID_MCHID_NOT_MATCH', message: 'appid和mch_id不匹配' })
  if (ctx.state.openids.get(openid)?.appid !== appid) {
    return bad({ status: 500, code: 'OPENID_MISMATCH', message: 'appid和openid不匹配' })
  }

  // time_expire: at least 1 minute and at most 90 days after now; WeChat clamps instead of failing.
  const now = ctx.now()
  let timeExpire = now + 7 * DAY
  const rawExpire = get('time_expire')
  if (rawExpire !== undefined) {
    const parsed = parseRfc3339(rawExpire)
    if (parsed === undefined) return bad(paramError('/time_expire', 'time_expire格式须为RFC3339', rawExpire))
    timeExpire = Math.min(Math.max(parsed, now + MINUTE), now + 90 * DAY)
  }
  const attach = get('attach')
  return {
    ok: true,
    value: {
      appid,
      mchid: get('mchid')!,
      description: get('description')!,
      outTradeNo,
      timeExpire,
      ...(attach !== undefined ? { attach } : {}),
      notifyUrl,
      total: amount.total,
      currency: 'CNY',
      openid,
    },
  }
}
