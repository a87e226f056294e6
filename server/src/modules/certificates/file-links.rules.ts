import { createHmac, timingSafeEqual } from 'node:crypto'

/**
 * Short-lived signed links to a learner's own certificate files. WeChat's long-press 保存图片 and
 * 「打印证书」 open the file as a plain URL (an <img> or a new page), which cannot send the access
 * token; a link signed for one certificate and file kind, valid for 30 minutes, stands in for it.
 */
export const FILE_LINK_TTL_SECONDS = 30 * 60

function mac(key: string, certificateId: number, kind: string, expires: number): string {
  return createHmac('sha256', key).update(`certificate-file:${certificateId}:${kind}:${expires}`).digest('base64url')
}

export function signedFileUrl(key: string, certificateId: number, kind: 'pdf' | 'png', now: Date): string {
  const expires = Math.floor(now.getTime() / 1000) + FILE_LINK_TTL_SECONDS
  return `/api/certificates/${certificateId}/certificate.${kind}?expires=${expires}&sig=${mac(key, certificateId, kind, expires)}`
}

export function isValidFileLink(key: string, certificateId: number, kind: 'pdf' | 'png', expires: number, sig: string, now: Date): boolean {
  if (!Number.isInteger(expires) || expires < now.getTime() / 1000) return false
  const expected = Buffer.from(mac(key, certificateId, kind, expires))
  const given = Buffer.from(sig)
  return expected.length === given.length && timingSafeEqual(expected, given)
}
