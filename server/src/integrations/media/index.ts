import { randomBytes } from 'node:crypto'
import type { MediaConfig } from './config.ts'
import { objectPath, type MediaUrlSigner } from './provider.ts'
import { presignGetUrl } from './s3-presign.ts'
import { staticMediaUrl } from './static-link.ts'
import { tencentTypeAUrl, tencentTypeCUrl } from './tencent-cdn.ts'

export type { MediaUrlSigner, MediaLinkRequest, MediaProviderName } from './provider.ts'
export { objectKeyOfStoredUrl } from './provider.ts'

const seconds = (at: Date) => Math.floor(at.getTime() / 1000)

/**
 * The configured provider's signer. `staticKey` is the built-in server's HMAC key (derived from the
 * server secret for media only); the static file plugin checks links with the same key.
 */
export function createMediaUrlSigner(config: MediaConfig, staticKey: string): MediaUrlSigner {
  const { s3, tencentCdn } = config
  if (config.provider === 's3' && s3) {
    return {
      provider: 's3',
      signedUrl: (objectKey, { issuedAt, expiresAt }) =>
        presignGetUrl({
          ...s3,
          objectKey,
          signedAt: issuedAt,
          expiresInSeconds: Math.max(1, seconds(expiresAt) - seconds(issuedAt)),
          // The store answers with these whatever metadata the upload carried: iOS plays only a
          // video/mp4 answer, and no cache may keep the bytes past the link.
          query: {
            ...(objectKey.toLowerCase().endsWith('.mp4') ? { 'response-content-type': 'video/mp4' } : {}),
            'response-cache-control': `private, max-age=${Math.max(0, seconds(expiresAt) - seconds(issuedAt))}`,
          },
        }),
    }
  }
  if (config.provider === 'cdn-tencent' && tencentCdn) {
    return {
      provider: 'cdn-tencent',
      // The CDN computes the expiry itself: timestamp + the 有效时间 set in its console, which must
      // equal MEDIA_URL_TTL_SECONDS (docs/deployment.md).
      signedUrl: (objectKey, { issuedAt }) =>
        tencentCdn.authType === 'C'
          ? tencentTypeCUrl({ baseUrl: tencentCdn.baseUrl, path: objectPath(objectKey), key: tencentCdn.key, timestamp: seconds(issuedAt) })
          : tencentTypeAUrl({
              baseUrl: tencentCdn.baseUrl,
              path: objectPath(objectKey),
              key: tencentCdn.key,
              timestamp: seconds(issuedAt),
              rand: randomBytes(12).toString('hex'),
              signParam: tencentCdn.signParam,
            }),
    }
  }
  return { provider: 'static', signedUrl: (objectKey, { chapterId, expiresAt }) => staticMediaUrl(staticKey, objectKey, chapterId, expiresAt) }
}
