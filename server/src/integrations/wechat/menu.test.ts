import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../../test/app.ts'
import { continuingEducationMenu, createMenu } from './menu.ts'

let t: TestApp
beforeAll(async () => {
  t = await buildTestApp({ seed: false })
})
afterAll(async () => t.close())

describe('Official Account menu (WX-2)', () => {
  it('creates 继续教育 → 公需科目 pointing at the OAuth entry of the H5', async () => {
    await createMenu(t.database.db, t.wechat, continuingEducationMenu('https://jxjy.example.cn'))
    const res = await t.app.inject({ method: 'GET', url: '/wx-sim/dev/menu' })
    const menu = res.json().menu
    expect(menu.button[0].name).toBe('继续教育')
    expect(menu.button[0].sub_button[0]).toEqual({
      type: 'view',
      name: '公需科目',
      url: 'https://jxjy.example.cn/api/auth/wechat/start?returnTo=%2F',
    })
  })

  it('reuses the cached stable access token instead of asking WeChat each time', async () => {
    let tokenCalls = 0
    const counting: typeof fetch = (input, init) => {
      if (String(input).includes('stable_token')) tokenCalls += 1
      return fetch(input, init)
    }
    await createMenu(t.database.db, t.wechat, continuingEducationMenu('https://a.example.cn'), { fetch: counting })
    await createMenu(t.database.db, t.wechat, continuingEducationMenu('https://b.example.cn'), { fetch: counting })
    expect(tokenCalls).toBe(0) // cached by the first test's call
  })
})
