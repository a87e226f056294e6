import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { launchBrowser, newWechatContext, skipWechatOauth } from './browser.ts'

const baseUrl = inject('baseUrl')
let browser: Browser

beforeAll(async () => {
  browser = await launchBrowser()
})
afterAll(async () => {
  await browser.close()
})

describe('Content-Security-Policy in the browser', () => {
  it('serves the H5 under a CSP that forbids framing, plugins and foreign scripts', async () => {
    const { context, cspViolations } = await newWechatContext(browser)
    await skipWechatOauth(context)
    const page = await context.newPage()
    const response = await page.goto(`${baseUrl}/`)
    const csp = response?.headers()['content-security-policy'] ?? ''
    expect(csp).toContain("frame-ancestors 'none'")
    expect(csp).toContain("object-src 'none'")
    expect(csp).toMatch(/script-src 'self'(;|$)/)
    expect(response?.headers()['x-content-type-options']).toBe('nosniff')
    await page.getByText('在线学习中心').first().waitFor()
    expect(cspViolations).toEqual([])
    await context.close()
  })

  it('notices a violation, which makes closing the context fail the journey', async () => {
    const { context, cspViolations } = await newWechatContext(browser)
    await skipWechatOauth(context)
    const page = await context.newPage()
    await page.goto(`${baseUrl}/`)
    // What an injected script would try: run inline code. The CSP blocks it.
    await page.evaluate(() => {
      const script = document.createElement('script')
      script.textContent = 'window.__injected = true'
      document.body.append(script)
    })
    await expect.poll(() => cspViolations.length).toBeGreaterThan(0)
    expect(await page.evaluate(() => (window as unknown as { __injected?: boolean }).__injected)).toBeUndefined()
    await expect(context.close()).rejects.toThrow(/Content-Security-Policy violations/)
  })
})
