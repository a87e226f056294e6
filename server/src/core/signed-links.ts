import { createHmac, timingSafeEqual } from 'node:crypto'

/**
 * Short-lived signed links. Inside WeChat a download, a print page or a long-press 保存图片 opens a
 * file as a plain URL (an <img>, a new page), which cannot send the access token; a link signed for
 * one subject (a file of one certificate, invoice document or group order) and valid for a few
 * minutes stands in for it. Each feature names its subject with a prefix of its own
 * (`certificate-file:…`, `invoice-file:…`, `group-file:…`) and uses a key derived for it, so a
 * signature never passes for another feature's file.
 */
function mac(key: string, subject: string, expires: number): string {
  return createHmac('sha256', key).update(`${subject}:${expires}`).digest('base64url')
}

/** `url?expires=…&sig=…`, valid for ttlSeconds from now. */
export function signLink(key: string, subject: string, url: string, ttlSeconds: number, now: Date): string {
  const expires = Math.floor(now.getTime() / 1000) + ttlSeconds
  return `${url}?expires=${expires}&sig=${mac(key, subject, expires)}`
}

/** The signature of a subject valid until `expires` (Unix seconds), for links whose URL a feature builds itself. */
export function linkSignature(key: string, subject: string, expires: number): string {
  return mac(key, subject, expires)
}

/**
 * Why a link is refused, or 'valid': 'invalid' when sig does not sign this subject and expiry
 * (tampered, or for another subject), 'expired' when it does but the time is past. The signature
 * is checked first, so a forged link never learns whether its expiry would have passed.
 */
export function checkLinkSignature(key: string, subject: string, expires: number, sig: string, now: Date): 'valid' | 'invalid' | 'expired' {
  if (!Number.isInteger(expires)) return 'invalid'
  const expected = Buffer.from(mac(key, subject, expires))
  const given = Buffer.from(sig)
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return 'invalid'
  return expires < now.getTime() / 1000 ? 'expired' : 'valid'
}

/** Whether sig signs this subject until expires, and expires is not past (constant-time comparison). */
export function isValidLinkSignature(key: string, subject: string, expires: number, sig: string, now: Date): boolean {
  return checkLinkSignature(key, subject, expires, sig, now) === 'valid'
}
