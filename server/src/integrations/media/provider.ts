/**
 * The media seam (issue #26 point 4): course videos reach the page only as signed links that expire
 * and name one object, so a link copied out of the page stops working after a few hours. Which
 * store or CDN serves the bytes is configuration (MEDIA_PROVIDER, see config.ts); the learning
 * feature only asks a `MediaUrlSigner` for a link. docs/deployment.md, "Course media".
 */

export type MediaProviderName = 'static' | 's3' | 'cdn-tencent'

export interface MediaLinkRequest {
  /** The chapter the link is for: the built-in server binds its signature to it. */
  chapterId: number
  /** Who asked; unused in the URL today (no personal data in links), kept for providers that log it. */
  userId?: number
  /** When the link is made (the server's clock): S3's X-Amz-Date, the CDN's timestamp. */
  issuedAt: Date
  /** When the link stops working. */
  expiresAt: Date
}

export interface MediaUrlSigner {
  readonly provider: MediaProviderName
  /**
   * A URL for one object (`media/intro.mp4`, the manifest's path) valid until request.expiresAt.
   * Same-origin for the built-in server, absolute for a store or CDN.
   */
  signedUrl(objectKey: string, request: MediaLinkRequest): string
}

/** The URL path of an object: each segment percent-encoded (`media/a b.mp4` → `/media/a%20b.mp4`). */
export function objectPath(objectKey: string): string {
  return `/${objectKey.split('/').map(encodeURIComponent).join('/')}`
}

/**
 * The object a stored media URL names, or null for an outside https URL (which we cannot sign).
 * The catalogue stores manifest paths as `/media/…` (catalogue-manifest.parser.ts, mediaUrl).
 */
export function objectKeyOfStoredUrl(stored: string): string | null {
  if (!stored.startsWith('/media/')) return null
  try {
    return stored.slice(1).split('/').map(decodeURIComponent).join('/')
  } catch {
    return null
  }
}
