import { createHash, createHmac } from 'node:crypto'

/**
 * AWS Signature Version 4, query-string authentication ("presigned URL") for one GET, as S3 and
 * every S3-compatible store (MinIO, Ceph RGW, Tencent COS's S3 endpoint) check it:
 * https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html
 * Only the host header is signed and the payload is UNSIGNED-PAYLOAD, so the <video> element's own
 * Range requests pass. s3-presign.test.ts reproduces the page's worked example byte for byte.
 */

export interface PresignInput {
  /** The bucket's base URL: path-style `https://minio.example.cn/videos` or virtual-hosted `https://videos.s3.ap-east-1.amazonaws.com`. */
  bucketUrl: string
  region: string
  accessKeyId: string
  secretAccessKey: string
  objectKey: string
  signedAt: Date
  /** X-Amz-Expires: S3 refuses more than 604800 (7 days); we use hours. */
  expiresInSeconds: number
  /** Extra signed query parameters, e.g. `response-content-type` (S3 answers with that header). */
  query?: Record<string, string>
}

/** RFC 3986 encoding as SigV4 wants it: everything but A-Z a-z 0-9 - _ . ~ is %XX (uppercase). */
export function uriEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
}

const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data, 'utf8').digest()
const sha256Hex = (data: string) => createHash('sha256').update(data, 'utf8').digest('hex')

/** 20130524T000000Z */
function amzDate(at: Date): string {
  return at.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '')
}

/** The pieces the spec names, exposed so the test can compare each with the documented example. */
export function presignParts(input: PresignInput) {
  const base = new URL(input.bucketUrl)
  const date = amzDate(input.signedAt)
  const scope = `${date.slice(0, 8)}/${input.region}/s3/aws4_request`
  const path = `${base.pathname.replace(/\/+$/, '')}/${input.objectKey.split('/').map(uriEncode).join('/')}`
  const params: Record<string, string> = {
    'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
    'X-Amz-Credential': `${input.accessKeyId}/${scope}`,
    'X-Amz-Date': date,
    'X-Amz-Expires': String(input.expiresInSeconds),
    'X-Amz-SignedHeaders': 'host',
    ...input.query,
  }
  const canonicalQuery = Object.keys(params)
    .sort()
    .map((k) => `${uriEncode(k)}=${uriEncode(params[k] ?? '')}`)
    .join('&')
  const canonicalRequest = ['GET', path, canonicalQuery, `host:${base.host}\n`, 'host', 'UNSIGNED-PAYLOAD'].join('\n')
  const stringToSign = ['AWS4-HMAC-SHA256', date, scope, sha256Hex(canonicalRequest)].join('\n')
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${input.secretAccessKey}`, date.slice(0, 8)), input.region), 's3'), 'aws4_request')
  const signature = createHmac('sha256', signingKey).update(stringToSign, 'utf8').digest('hex')
  return { canonicalRequest, stringToSign, signature, url: `${base.origin}${path}?${canonicalQuery}&X-Amz-Signature=${signature}` }
}

/** A presigned GET URL for one object. */
export function presignGetUrl(input: PresignInput): string {
  return presignParts(input).url
}
