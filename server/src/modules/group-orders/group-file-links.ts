import { isValidLinkSignature, signLink } from '../../core/signed-links.ts'

/**
 * Short-lived signed links for the group files (error file, learner list). Inside WeChat a
 * download is a plain navigation that cannot carry the access token; a link signed for one path
 * and valid for 15 minutes stands in for it, as the certificate file links do.
 */
export const GROUP_FILE_LINK_TTL_SECONDS = 15 * 60

export function signGroupFileLink(key: string, path: string, now: Date): string {
  return signLink(key, `group-file:${path}`, path, GROUP_FILE_LINK_TTL_SECONDS, now)
}

export function isValidGroupFileLink(key: string, path: string, expires: number, sig: string, now: Date): boolean {
  return isValidLinkSignature(key, `group-file:${path}`, expires, sig, now)
}
