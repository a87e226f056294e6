import { isValidLinkSignature, signLink } from '../../core/signed-links.ts'

/**
 * Short-lived signed links to a learner's own certificate files. WeChat's long-press 保存图片 and
 * 「打印证书」 open the file as a plain URL (an <img> or a new page), which cannot send the access
 * token; a link signed for one certificate and file kind, valid for 30 minutes, stands in for it.
 */
export const FILE_LINK_TTL_SECONDS = 30 * 60

const subject = (certificateId: number, kind: string) => `certificate-file:${certificateId}:${kind}`

export function signedFileUrl(key: string, certificateId: number, kind: 'pdf' | 'png', now: Date): string {
  return signLink(key, subject(certificateId, kind), `/api/certificates/${certificateId}/certificate.${kind}`, FILE_LINK_TTL_SECONDS, now)
}

export function isValidFileLink(key: string, certificateId: number, kind: 'pdf' | 'png', expires: number, sig: string, now: Date): boolean {
  return isValidLinkSignature(key, subject(certificateId, kind), expires, sig, now)
}
