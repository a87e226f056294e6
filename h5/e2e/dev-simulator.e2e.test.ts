import type { DevSmsOutbox } from '@app/shared/auth'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { newIdentity } from './accounts.ts'
import { startJourney, type Journey } from './browser.ts'

// The development tools a tester meets first: the simulator's 微信授权登录 page and the SMS outbox.

const origin = inject('baseUrl').replace('127.0.0.1', 'localhost')
const MENU_LINK = `${origin}/api/auth/wechat/start?returnTo=/`

let journey: Journey
beforeAll(async () => {
  journey = await startJourney()
})
afterAll(() => journey?.close())

describe('development simulator', () => {
  it('微信授权登录: typing a new nickname signs in as a new test user, not as the preselected last one', async () => {
    const page = await journey.context.newPage()
    const stamp = Date.now() % 100000
    const [first, second] = [`先来${stamp}`, `后到${stamp}`]

    await page.goto(MENU_LINK)
    await page.locator('input[name="user"][value="new"]').check()
    await page.locator('input[name="nickname"]').fill(first)
    await page.locator('#allow').click()
    await page.waitForURL(/\/login\?.*wechat=unbound/)

    // Back on the page an existing user is preselected; the tester only types a name and taps 允许.
    await page.goto(MENU_LINK)
    await page.locator('#allow').waitFor()
    expect(await page.locator('input[name="user"]:checked').getAttribute('value')).not.toBe('new')
    await page.locator('input[name="nickname"]').pressSequentially(second)
    expect(await page.locator('input[name="user"][value="new"]').isChecked()).toBe(true)
    await page.locator('#allow').click()
    await page.waitForURL(/\/login\?.*wechat=unbound/)

    // Both are test users now, the typed one listed on its own.
    await page.goto(MENU_LINK)
    await page.locator('#allow').waitFor()
    await expect(page.locator('label.row', { hasText: first }).count()).resolves.toBe(1)
    await expect(page.locator('label.row', { hasText: second }).count()).resolves.toBe(1)
    await page.close()
  })

  it('SMS outbox: the code that works now is marked and listed first', async () => {
    const { phone } = newIdentity('发件箱')
    const request = journey.context.request
    expect((await request.post(`${origin}/api/auth/sms-codes`, { data: { phone, purpose: 'register' } })).status()).toBe(200)

    const page = await journey.context.newPage()
    await page.goto(`${origin}/api/dev/sms-outbox?phone=${phone}`)
    const shown = (await page.locator('body').innerText()).trim()
    const outbox = JSON.parse(shown) as DevSmsOutbox
    expect(Object.keys(outbox)[0]).toBe('current')
    expect(outbox.current).toEqual([expect.objectContaining({ purpose: 'register', code: outbox.messages[0]?.code })])
    expect(outbox.messages[0]).toMatchObject({ status: 'current', note: '当前有效：输入这个验证码' })
    await page.close()
  })
})
