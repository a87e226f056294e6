import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Fastify from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import errorHandler from './error-handler.ts'
import staticFiles from './static-files.ts'

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'h5-dist-'))
const dist = path.join(root, 'dist')
const media = path.join(root, 'media')
const app = Fastify()

beforeAll(async () => {
  fs.mkdirSync(path.join(dist, 'assets'), { recursive: true })
  fs.mkdirSync(media, { recursive: true })
  fs.writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>在线学习中心</title>')
  fs.writeFileSync(path.join(dist, 'assets', 'index-abc123.js'), 'console.log(1)')
  fs.mkdirSync(path.join(dist, 'staff', 'assets'), { recursive: true })
  fs.writeFileSync(path.join(dist, 'staff', 'index.html'), '<!doctype html><title>管理后台</title>')
  fs.writeFileSync(path.join(dist, 'staff', 'assets', 'staff-def789.js'), 'console.log(3)')
  fs.writeFileSync(path.join(media, 'clip.mp4'), Buffer.alloc(1000, 7))
  await app.register(errorHandler)
  app.get('/api/ping', async () => ({ ok: true }))
  await app.register(staticFiles, { h5DistDir: dist, mediaDir: media })
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

  it('serves media with HTTP range support (video seeking in WeChat)', async () => {
    const res = await app.inject({ method: 'GET', url: '/media/clip.mp4', headers: { range: 'bytes=100-199' } })
    expect(res.statusCode).toBe(206)
    expect(res.headers['content-range']).toBe('bytes 100-199/1000')
    expect(res.rawPayload.length).toBe(100)
  })
})
