import { describe, expect, it } from 'vitest'
import { presignGetUrl, presignParts } from './s3-presign.ts'

// AWS's worked example of a presigned GET ("Authenticating Requests: Using Query Parameters (AWS
// Signature Version 4)", https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html):
// every intermediate value below is printed on that page.
const EXAMPLE = {
  bucketUrl: 'https://examplebucket.s3.amazonaws.com',
  region: 'us-east-1',
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  objectKey: 'test.txt',
  signedAt: new Date('2013-05-24T00:00:00Z'),
  expiresInSeconds: 86400,
}

describe('SigV4 presigned GET (S3 and S3-compatible stores)', () => {
  it('reproduces the AWS documentation example: canonical request, string to sign, signature and URL', () => {
    const parts = presignParts(EXAMPLE)
    expect(parts.canonicalRequest).toBe(
      [
        'GET',
        '/test.txt',
        'X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host',
        'host:examplebucket.s3.amazonaws.com',
        '',
        'host',
        'UNSIGNED-PAYLOAD',
      ].join('\n'),
    )
    expect(parts.stringToSign).toBe(
      ['AWS4-HMAC-SHA256', '20130524T000000Z', '20130524/us-east-1/s3/aws4_request', '3bfa292879f6447bbcda7001decf97f4a54dc650c8942174ae0a9121cf58ad04'].join('\n'),
    )
    expect(parts.signature).toBe('aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404')
    expect(presignGetUrl(EXAMPLE)).toBe(
      'https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404',
    )
  })

  it('signs a path-style MinIO bucket with a port, an encoded key and sorted extra parameters', () => {
    const parts = presignParts({
      ...EXAMPLE,
      bucketUrl: 'http://127.0.0.1:9000/videos/',
      objectKey: 'media/第1章 intro(1).mp4',
      query: { 'response-content-type': 'video/mp4', 'response-cache-control': 'private, max-age=3600' },
    })
    const lines = parts.canonicalRequest.split('\n')
    // The bucket stays in the path, each key segment is RFC 3986-encoded (parentheses too), "/" kept.
    expect(lines[1]).toBe('/videos/media/%E7%AC%AC1%E7%AB%A0%20intro%281%29.mp4')
    // Parameters in byte order of their names, values encoded (", " and "=" too).
    expect(lines[2]).toMatch(/X-Amz-SignedHeaders=host&response-cache-control=private%2C%20max-age%3D3600&response-content-type=video%2Fmp4$/)
    // The host header carries the port, as the client sends it.
    expect(lines[3]).toBe('host:127.0.0.1:9000')
    expect(parts.url.startsWith('http://127.0.0.1:9000/videos/media/%E7%AC%AC1')).toBe(true)
  })

  it('changes the signature when anything signed changes (key, expiry, object)', () => {
    const base = presignParts(EXAMPLE).signature
    expect(presignParts({ ...EXAMPLE, objectKey: 'test2.txt' }).signature).not.toBe(base)
    expect(presignParts({ ...EXAMPLE, expiresInSeconds: 3600 }).signature).not.toBe(base)
    expect(presignParts({ ...EXAMPLE, secretAccessKey: 'another-secret-key-0000' }).signature).not.toBe(base)
  })
})
