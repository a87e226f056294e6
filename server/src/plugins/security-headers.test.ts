import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../test/app.ts'

let http: TestApp
let https: TestApp
beforeAll(async () => {
  http = await buildTestApp({ seed: false })
  https = await buildTestApp({
    seed: false,
    database: http.database,
    config: { publicBaseUrl: 'https://jx.example.cn' },
  })
})
afterAll(async () => {
  await https.close()
  await http.close()
})

describe('security headers', () => {
  it('puts the CSP, nosniff, frame denial and Referrer-Policy on API, page, media and 404 answers', async () => {
    for (const url of ['/api/health', '/api/auth/login', '/', '/verify/ABC123', '/media/nothing.mp4', '/api/nowhere']) {
      const res = await http.app.inject({ method: url === '/api/auth/login' ? 'POST' : 'GET', url, payload: url === '/api/auth/login' ? {} : undefined })
      const csp = String(res.headers['content-security-policy'] ?? '')
      expect(csp, url).toContain("default-src 'self'")
      expect(csp, url).toContain("script-src 'self';")
      expect(csp, url).toContain("object-src 'none'")
      expect(csp, url).toContain("frame-ancestors 'none'")
      expect(res.headers['x-content-type-options'], url).toBe('nosniff')
      expect(res.headers['x-frame-options'], url).toBe('DENY')
      expect(res.headers['referrer-policy'], url).toBe('strict-origin-when-cross-origin')
    }
  })

  it('sends HSTS and upgrade-insecure-requests only when the public address is https', async () => {
    const plain = await http.app.inject({ method: 'GET', url: '/api/health' })
    expect(plain.headers['strict-transport-security']).toBeUndefined()
    expect(String(plain.headers['content-security-policy'])).not.toContain('upgrade-insecure-requests')
    const secure = await https.app.inject({ method: 'GET', url: '/api/health' })
    expect(secure.headers['strict-transport-security']).toBe('max-age=31536000')
    expect(String(secure.headers['content-security-policy'])).toContain('upgrade-insecure-requests')
  })
})
