import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../../test/app.ts'

let t: TestApp
beforeAll(async () => {
  t = await buildTestApp({ seed: false })
})
afterEach(() => t.simulator.faults.clear())
afterAll(async () => t.close())

const config = (url: string) => t.app.inject({ method: 'GET', url: `/api/wechat/jssdk-config?url=${encodeURIComponent(url)}` })

describe('wx.config signature (WX-1)', () => {
  it('answers 503 WECHAT_UNAVAILABLE when WeChat cannot give a ticket', async () => {
    // Before any ticket is cached: WeChat answers every call with errcode -1 (system busy).
    t.simulator.faults.set('apiSystemBusy', true, { sticky: true })
    const res = await config(`${t.baseUrl}/other-page`)
    expect(res.statusCode).toBe(503)
    expect(res.json().code).toBe('WECHAT_UNAVAILABLE')
  })

  it('signs a page of ours so that WeChat (the simulator) accepts it, and is never cached', async () => {
    const page = `${t.baseUrl}/pay/12?from=menu`
    const res = await config(page)
    expect(res.statusCode).toBe(200)
    expect(res.headers['cache-control']).toBe('no-store')
    const signed = res.json<{ appId: string; timestamp: number; nonceStr: string; signature: string }>()
    expect(signed.appId).toBe(t.wechat.appId)
    const verdict = await t.app.inject({
      method: 'POST',
      url: '/wx-sim/dev/jssdk/verify',
      payload: { url: page, noncestr: signed.nonceStr, timestamp: String(signed.timestamp), signature: signed.signature },
    })
    expect(verdict.json()).toMatchObject({ valid: true })
  })

  it('refuses to sign a page of another site', async () => {
    const res = await config('https://evil.example.com/pay/1')
    expect(res.statusCode).toBe(400)
    expect(res.json().code).toBe('JSSDK_URL_NOT_ALLOWED')
  })
})
