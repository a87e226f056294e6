import { createHmac, timingSafeEqual } from 'node:crypto'

/**
 * Short-lived signed links for the group files (error file, learner list). Inside WeChat a
 * download is a plain navigation that cannot carry the access token; a link signed for one path
 * and valid for 15 minutes stands in for it, as the certificate file links do.
 */
export const GROUP_FILE_LINK_TTL_SECONDS = 15 * 60

function mac(key: string, path: string, expires: number): string {
  return createHmac('sha256', key).update(`group-file:${path}:${expires}`).digest('base64url')
}

export function signGroupFileLink(key: string, path: string, now: Date): string {
  const expires = Math.floor(now.getTime() / 1000) + GROUP_FILE_LINK_TTL_SECONDS
  return `${path}?expires=${expires}&sig=${mac(key, path, expires)}`
}

export function isValidGroupFileLink(key: string, path: string, expires: number, sig: string, now: Date): boolean {
  if (!Number.isInteger(expires) || expires < now.getTime() / 1000) return false
  const expected = Buffer.from(mac(key, path, expires))
  const given = Buffer.from(sig)
  return expected.length === given.length && timingSafeEqual(expected, given)
}
