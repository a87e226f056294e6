// wx.config signature (§2.4): SHA-1 over the four fields in ASCII order, raw values, lowercase hex.
import { createHash } from 'node:crypto'

export function jssdkSignature(ticket: string, noncestr: string, timestamp: string, url: string): string {
  return createHash('sha1').update(`jsapi_ticket=${ticket}&noncestr=${noncestr}&timestamp=${timestamp}&url=${url}`).digest('hex')
}

/** Typical reasons a wx.config signature fails, to make front-end test failures readable. */
export function signatureHints(url: string): string[] {
  const hints: string[] = []
  if (url.includes('#')) hints.push('url 必须去掉 # 及其后面的部分')
  if (/%[0-9A-Fa-f]{2}/.test(url) && /^https?%3A/i.test(url)) hints.push('url 看起来仍是 encodeURIComponent 编码后的值，应签名解码后的原始 URL')
  if (!/^https?:\/\//.test(url)) hints.push('url 必须是包含协议和域名的完整地址')
  return hints
}
