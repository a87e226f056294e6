import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Fastify from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import errorHandler from './error-handler.ts'
import staticFiles from './static-files.ts'
import { staticMediaUrl } from '../integrations/media/static-link.ts'

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'h5-dist-'))
const dist = path.join(root, 'dist')
const media = path.join(root, 'media')
const app = Fastify()
const KEY = 'test-media-key'
/** The clock links expire by; tests move it. */
let clock = new Date('2026-03-01T08:00:00Z')
const later = (seconds: number) => new Date(clock.getTime() + seconds * 1000)
/** 1000 bytes that differ by position, so a range's bytes can be checked. */
const CLIP = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251))

beforeAll(async () => {
  fs.mkdirSync(path.join(dist, 'assets'), { recursive: true })
  fs.mkdirSync(media, { recursive: true })
  fs.writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>在线学习中心</title>')
  fs.writeFileSync(path.join(dist, 'assets', 'index-abc123.js'), 'console.log(1)')
  fs.mkdirSync(path.join(dist, 'staff', 'assets'), { recursive: true })
  fs.writeFileSync(path.join(dist, 'staff', 'index.html'), '<!doctype html><title>管理后台</title>')
  fs.writeFileSync(path.join(dist, 'staff', 'assets', 'staff-def789.js'), 'console.log(3)')
  fs.mkdirSync(path.join(media, 'media'), { recursive: true })
  fs.writeFileSync(path.join(media, 'clip.mp4'), CLIP)
  fs.writeFileSync(path.join(media, 'other clip.mp4'), Buffer.alloc(500, 1))
  fs.writeFileSync(path.join(media, 'cover.png'), Buffer.alloc(10, 2))
  await app.register(errorHandler)
  app.get('/api/ping', async () => ({ ok: true }))
  await app.register(staticFiles, { h5DistDir: dist, mediaDir: media, mediaLinkKey: KEY, now: () => clock })
  await app.ready()
})
afterAll(async () => {
  await app.close()
  fs.rmSync(root, { recursive: true, force: true })
})

describe('serving the H5', () => {
  it('answers / and history-mode routes with index.html, never cached', async () => {
    for (const url of ['/', '/projects/1', '/me?x=1']) {
      const res = await app.inject({ method: 'GET', url })
      expect(res.statusCode, url).toBe(200)
      expect(res.body).toContain('在线学习中心')
      expect(res.headers['cache-control']).toBe('no-cache')
    }
  })

  it('serves hashed assets as immutable, and files added after start-up (a rebuild) at once', async () => {
    const res = await app.inject({ method: 'GET', url: '/assets/index-abc123.js' })
    expect(res.headers['cache-control']).toContain('immutable')
    fs.writeFileSync(path.join(dist, 'assets', 'index-new456.js'), 'console.log(2)')
    expect((await app.inject({ method: 'GET', url: '/assets/index-new456.js' })).statusCode).toBe(200)
  })

  it('serves the staff console at /staff/ with its own history-mode fallback and the same cache rules', async () => {
    for (const url of ['/staff', '/staff/', '/staff/learners/12', '/staff/sign-in?redirect=%2Flearners']) {
      const res = await app.inject({ method: 'GET', url })
      expect(res.statusCode, url).toBe(200)
      expect(res.body, url).toContain('管理后台')
      expect(res.headers['cache-control'], url).toBe('no-cache')
    }
    const asset = await app.inject({ method: 'GET', url: '/staff/assets/staff-def789.js' })
    expect(asset.headers['cache-control']).toContain('immutable')
    expect((await app.inject({ method: 'GET', url: '/staffroom' })).body).toContain('在线学习中心')
  })

  it('keeps unknown API paths and missing files as 404 in the API error shape', async () => {
    const api = await app.inject({ method: 'GET', url: '/api/nope' })
    expect(api.statusCode).toBe(404)
    expect(api.json().code).toBe('ROUTE_NOT_FOUND')
    expect((await app.inject({ method: 'GET', url: '/assets/missing.js' })).statusCode).toBe(404)
  })

})

describe('course media behind signed links (MEDIA_PROVIDER=static)', () => {
  // The media folder is served at /media/, so the object `media/clip.mp4` is the file clip.mp4.
  const link = (objectKey = 'media/clip.mp4', chapterId = 7, seconds = 3600) => staticMediaUrl(KEY, objectKey, chapterId, later(seconds))

  it('answers iOS AVPlayer\'s first probe (Range: bytes=0-1) with a 206 of two bytes', async () => {
    const res = await app.inject({ method: 'GET', url: link(), headers: { range: 'bytes=0-1' } })
    expect(res.statusCode).toBe(206)
    expect(res.headers['content-range']).toBe('bytes 0-1/1000')
    expect(res.headers['accept-ranges']).toBe('bytes')
    expect(res.headers['content-type']).toBe('video/mp4')
    expect([...res.rawPayload]).toEqual([0, 1])
  })

  it('returns the right bytes for a seek (a range in the middle, and an open-ended one)', async () => {
    const mid = await app.inject({ method: 'GET', url: link(), headers: { range: 'bytes=300-549' } })
    expect(mid.statusCode).toBe(206)
    expect(mid.headers['content-range']).toBe('bytes 300-549/1000')
    expect(mid.rawPayload.equals(CLIP.subarray(300, 550))).toBe(true)
    const tail = await app.inject({ method: 'GET', url: link(), headers: { range: 'bytes=900-' } })
    expect(tail.headers['content-range']).toBe('bytes 900-999/1000')
    expect(tail.rawPayload.equals(CLIP.subarray(900))).toBe(true)
    const whole = await app.inject({ method: 'GET', url: link() })
    expect(whole.statusCode).toBe(200)
    expect(whole.rawPayload.equals(CLIP)).toBe(true)
    const past = await app.inject({ method: 'GET', url: link(), headers: { range: 'bytes=2000-' } })
    expect(past.statusCode).toBe(416)
  })

  it('is cached privately and never beyond the link\'s expiry', async () => {
    const res = await app.inject({ method: 'GET', url: link('media/clip.mp4', 7, 600), headers: { range: 'bytes=0-1' } })
    expect(res.headers['cache-control']).toBe('private, max-age=600')
    clock = later(500)
    const again = await app.inject({ method: 'GET', url: link('media/clip.mp4', 7, 100), headers: { range: 'bytes=0-1' } })
    expect(again.headers['cache-control']).toBe('private, max-age=100')
  })

  it('stops working for everyone once it expires (a shared link, the clock moved on)', async () => {
    const shared = link('media/clip.mp4', 7, 4 * 3600)
    expect((await app.inject({ method: 'GET', url: shared, headers: { range: 'bytes=0-1' } })).statusCode).toBe(206)
    clock = later(4 * 3600 - 1)
    expect((await app.inject({ method: 'GET', url: shared, headers: { range: 'bytes=0-1' } })).statusCode).toBe(206)
    clock = later(2)
    const res = await app.inject({ method: 'GET', url: shared, headers: { range: 'bytes=0-1' } })
    expect(res.statusCode).toBe(403)
    expect(res.json().code).toBe('MEDIA_LINK_EXPIRED')
    expect(res.headers['cache-control']).toBe('no-store')
  })

  it('refuses a missing, tampered or re-pointed signature (another chapter, another file, a later expiry)', async () => {
    const good = new URL(link(), 'http://x')
    const variants: Record<string, string> = {
      unsigned: '/media/clip.mp4',
      'signature changed': `${good.pathname}?chapter=7&expires=${good.searchParams.get('expires')}&sig=${'A'.repeat(43)}`,
      'another chapter': `${good.pathname}?chapter=8&expires=${good.searchParams.get('expires')}&sig=${good.searchParams.get('sig')}`,
      'expiry pushed later': `${good.pathname}?chapter=7&expires=${Number(good.searchParams.get('expires')) + 86400}&sig=${good.searchParams.get('sig')}`,
      'another file': `/media/other%20clip.mp4${good.search}`,
    }
    for (const [why, url] of Object.entries(variants)) {
      const res = await app.inject({ method: 'GET', url, headers: { range: 'bytes=0-1' } })
      expect(res.statusCode, why).toBe(403)
      expect(res.json().code, why).toBe('MEDIA_LINK_INVALID')
    }
    // The other file opens with its own link, its name percent-encoded as the catalogue stores it.
    const other = await app.inject({ method: 'GET', url: link('media/other clip.mp4', 8), headers: { range: 'bytes=0-9' } })
    expect(other.statusCode).toBe(206)
  })

  it('serves covers without a link, cached publicly (catalogue pages show them to anyone)', async () => {
    const res = await app.inject({ method: 'GET', url: '/media/cover.png' })
    expect(res.statusCode).toBe(200)
    expect(res.headers['cache-control']).toBe('public, max-age=86400')
  })
})
