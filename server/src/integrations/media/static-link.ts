import { checkLinkSignature, linkSignature } from '../../core/signed-links.ts'
import { objectPath } from './provider.ts'

/**
 * The built-in server's links (MEDIA_PROVIDER=static, one machine): the file's own path under
 * /media/ with `chapter`, `expires` (Unix seconds) and `sig`, an HMAC over all three and the object
 * with a key derived for media only. plugins/media-files.ts checks it on every request, Range
 * requests included.
 */

/** The subject a media signature covers: a link for chapter A's file never opens chapter B's. */
function subject(objectKey: string, chapterId: number): string {
  return `media:${chapterId}:${objectKey}`
}

export function staticMediaUrl(key: string, objectKey: string, chapterId: number, expiresAt: Date): string {
  const expires = Math.floor(expiresAt.getTime() / 1000)
  return `${objectPath(objectKey)}?chapter=${chapterId}&expires=${expires}&sig=${linkSignature(key, subject(objectKey, chapterId), expires)}`
}

export interface StaticMediaQuery {
  chapter?: string | undefined
  expires?: string | undefined
  sig?: string | undefined
}

/** 'valid', 'expired' (a good link whose time is past) or 'invalid' (missing, tampered, another chapter or file). */
export function checkStaticMediaUrl(key: string, objectKey: string, query: StaticMediaQuery, now: Date): 'valid' | 'invalid' | 'expired' {
  const chapterId = Number(query.chapter)
  const expires = Number(query.expires)
  if (!Number.isSafeInteger(chapterId) || chapterId <= 0 || typeof query.sig !== 'string') return 'invalid'
  return checkLinkSignature(key, subject(objectKey, chapterId), expires, query.sig, now)
}
