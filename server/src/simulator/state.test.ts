import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { APP_ID, APP_SECRET, issueOpenid, startSimulator } from '../../test/simulator-helpers.ts'

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

describe('state file', () => {
  it('keeps users and their openids across restarts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wx-sim-'))
    dirs.push(dir)
    const stateFile = join(dir, 'nested', 'wechat-sim.json')
    const first = await startSimulator({ stateFile })
    const openid = await issueOpenid(first.app, '持久用户')
    await first.sim.close()
    await first.app.close()
    expect(existsSync(stateFile)).toBe(true)

    const second = await startSimulator({ stateFile })
    const users = (await second.app.inject({ method: 'GET', url: '/wx-sim/dev/users' })).json() as { users: { nickname: string; openid: string }[] }
    expect(users.users).toEqual([expect.objectContaining({ nickname: '持久用户', openid })])
    await second.sim.close()
    await second.app.close()
  })

  it('ignores an unreadable state file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wx-sim-'))
    dirs.push(dir)
    const { writeFileSync } = await import('node:fs')
    writeFileSync(join(dir, 's.json'), '{not json')
    const warnings: string[] = []
    const h = await startSimulator({ stateFile: join(dir, 's.json'), log: { info() {}, warn: (_o, m) => warnings.push(String(m)) } })
    expect(warnings.join()).toContain('unreadable')
    await h.sim.close()
    await h.app.close()
  })
})

describe('api faults', () => {
  it('answers errcode -1 once when apiSystemBusy is set', async () => {
    const h = await startSimulator()
    h.sim.faults.set('apiSystemBusy')
    const url = `/wx-sim/api/cgi-bin/token?grant_type=client_credential&appid=${APP_ID}&secret=${APP_SECRET}`
    const busy = await h.app.inject({ method: 'GET', url })
    expect(busy.statusCode).toBe(200)
    expect(busy.json()).toMatchObject({ errcode: -1 })
    expect((await h.app.inject({ method: 'GET', url })).json()).toHaveProperty('access_token')
    await h.sim.close()
    await h.app.close()
  })
})
