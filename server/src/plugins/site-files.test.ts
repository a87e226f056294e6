import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Fastify from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import errorHandler from './error-handler.ts'
import staticFiles from './static-files.ts'

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'site-files-'))
const dist = path.join(root, 'dist')
const site = path.join(root, 'site')
const secretOutside = path.join(root, 'secret.txt')
const app = Fastify()
// Exactly as WeChat hands it out: no trailing newline, and our server must not add one.
const VERIFY = 'aB3dE5fG7hJ9kL1m'

beforeAll(async () => {
  fs.mkdirSync(dist, { recursive: true })
  fs.mkdirSync(site, { recursive: true })
  fs.writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>在线学习中心</title>')
  fs.writeFileSync(path.join(site, 'MP_verify_aB3dE5fG7hJ9kL1m.txt'), VERIFY)
  fs.writeFileSync(path.join(site, 'index.html'), '<h1>operator page that must not replace the H5</h1>')
  fs.writeFileSync(path.join(site, 'baidu_verify_code-x1.html'), 'x1')
  fs.writeFileSync(path.join(site, 'notes.md'), 'not a verification file')
  fs.writeFileSync(secretOutside, 'outside the folder')
  fs.symlinkSync(secretOutside, path.join(site, 'link.txt'))
  await app.register(errorHandler)
  app.get('/api/ping', async () => ({ ok: true }))
  await app.register(staticFiles, { h5DistDir: dist, mediaDir: path.join(root, 'no-media'), siteFilesDir: site, mediaLinkKey: 'test-media-key' })
  await app.ready()
})
afterAll(async () => {
  await app.close()
  fs.rmSync(root, { recursive: true, force: true })
})

describe('operator files at the site root (SITE_FILES_DIR)', () => {
  it('serves MP_verify_*.txt byte for byte as text/plain, revalidated every time', async () => {
    const res = await app.inject({ method: 'GET', url: '/MP_verify_aB3dE5fG7hJ9kL1m.txt' })
    expect(res.statusCode).toBe(200)
    expect(res.body).toBe(VERIFY)
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8')
    expect(res.headers['cache-control']).toBe('no-cache')
    const head = await app.inject({ method: 'HEAD', url: '/MP_verify_aB3dE5fG7hJ9kL1m.txt' })
    expect(head.statusCode).toBe(200)
    expect(head.body).toBe('')
  })

  it('serves a file dropped in while running, and the new content after a replacement', async () => {
    const name = 'MP_verify_NEW0000000000001.txt'
    expect((await app.inject({ method: 'GET', url: `/${name}` })).statusCode).toBe(404)
    fs.writeFileSync(path.join(site, name), 'first')
    expect((await app.inject({ method: 'GET', url: `/${name}` })).body).toBe('first')
    fs.writeFileSync(path.join(site, name), 'second')
    expect((await app.inject({ method: 'GET', url: `/${name}` })).body).toBe('second')
  })

  it('serves other platforms’ html verification files as html', async () => {
    const res = await app.inject({ method: 'GET', url: '/baidu_verify_code-x1.html' })
    expect(res.body).toBe('x1')
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8')
  })

  it('never replaces the H5 entry or reaches API routes', async () => {
    const index = await app.inject({ method: 'GET', url: '/index.html' })
    expect(index.body).toContain('在线学习中心')
    expect((await app.inject({ method: 'GET', url: '/api/ping' })).json()).toEqual({ ok: true })
  })

  it('refuses traversal, encoded names, symlinks and other extensions', async () => {
    for (const url of [
      '/../secret.txt',
      '/%2e%2e/secret.txt',
      '/..%2fsecret.txt',
      '/%2E%2E%2Fsecret.txt',
      '/link.txt',
      '/notes.md',
      '/.hidden.txt',
      '/sub/MP_verify_aB3dE5fG7hJ9kL1m.txt',
      '/MP_verify_aB3dE5fG7hJ9kL1m.txt%00.html',
    ]) {
      const res = await app.inject({ method: 'GET', url })
      expect(res.body, url).not.toBe('outside the folder')
      expect(res.body, url).not.toBe(VERIFY)
      expect(res.body, url).not.toBe('not a verification file')
    }
    expect((await app.inject({ method: 'POST', url: '/MP_verify_aB3dE5fG7hJ9kL1m.txt' })).body).not.toBe(VERIFY)
  })
})
