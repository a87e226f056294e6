import { describe, expect, it } from 'vitest'
import { parseMedia } from './config.ts'

describe('MEDIA_* configuration', () => {
  it('defaults to the built-in server with links that live four hours', () => {
    expect(parseMedia({}, 'production')).toEqual({ provider: 'static', ttlSeconds: 14400, s3: null, tencentCdn: null })
  })

  it('keeps link lifetimes to hours, not days', () => {
    expect(parseMedia({ MEDIA_URL_TTL_SECONDS: '7200' }, 'development').ttlSeconds).toBe(7200)
    expect(() => parseMedia({ MEDIA_URL_TTL_SECONDS: '86400' }, 'development')).toThrow(/MEDIA_URL_TTL_SECONDS must be an integer between 60 and 43200/)
    expect(() => parseMedia({ MEDIA_PROVIDER: 'oss' }, 'development')).toThrow(/MEDIA_PROVIDER must be one of static, s3, cdn-tencent/)
  })

  const s3 = { MEDIA_PROVIDER: 's3', MEDIA_S3_BUCKET_URL: 'https://minio.example.cn/videos', MEDIA_S3_ACCESS_KEY_ID: 'app', MEDIA_S3_SECRET_ACCESS_KEY: 'a-long-enough-secret-key' }

  it('reads an S3 bucket, and production refuses a weak or published secret and plain http', () => {
    expect(parseMedia(s3, 'production').s3).toEqual({ bucketUrl: 'https://minio.example.cn/videos', region: 'us-east-1', accessKeyId: 'app', secretAccessKey: 'a-long-enough-secret-key' })
    expect(() => parseMedia({ ...s3, MEDIA_S3_SECRET_ACCESS_KEY: undefined }, 'development')).toThrow(/MEDIA_S3_SECRET_ACCESS_KEY is required/)
    expect(() => parseMedia({ ...s3, MEDIA_S3_SECRET_ACCESS_KEY: 'minioadmin' }, 'production')).toThrow(/too weak/)
    expect(parseMedia({ ...s3, MEDIA_S3_SECRET_ACCESS_KEY: 'minioadmin', MEDIA_S3_BUCKET_URL: 'http://127.0.0.1:9000/videos' }, 'development').s3?.secretAccessKey).toBe('minioadmin')
    expect(() => parseMedia({ ...s3, MEDIA_S3_BUCKET_URL: 'http://minio.example.cn/videos' }, 'production')).toThrow(/must be an https:\/\/ URL/)
  })

  const cdn = { MEDIA_PROVIDER: 'cdn-tencent', MEDIA_CDN_BASE_URL: 'https://video.example.cn', MEDIA_CDN_KEY: 'DvYmqE81E1F9R791H6lmht' }

  it('reads a Tencent CDN domain, and refuses keys the console would not take or production should not', () => {
    expect(parseMedia({ ...cdn, MEDIA_CDN_AUTH_TYPE: 'C' }, 'production').tencentCdn).toEqual({ baseUrl: 'https://video.example.cn', authType: 'C', key: 'DvYmqE81E1F9R791H6lmht', signParam: 'sign' })
    expect(() => parseMedia({ ...cdn, MEDIA_CDN_KEY: 'has-dash' }, 'development')).toThrow(/6 to 40 letters and digits/)
    expect(() => parseMedia({ ...cdn, MEDIA_CDN_KEY: 'short1' }, 'production')).toThrow(/too weak/)
    expect(() => parseMedia({ ...cdn, MEDIA_CDN_AUTH_TYPE: 'B' }, 'development')).toThrow(/MEDIA_CDN_AUTH_TYPE must be A or C/)
  })
})
