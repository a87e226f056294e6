import { describe, expect, it } from 'vitest'
import { shouldStartWechatOauth, wechatOutcome, wechatStartUrl } from './oauth.ts'

const base = { inWechat: true, signedIn: false, attempted: false, isOauthResult: false }

describe('shouldStartWechatOauth', () => {
  it('runs once for a signed-out visitor inside WeChat', () => {
    expect(shouldStartWechatOauth(base)).toBe(true)
  })

  it('never runs outside WeChat (WX-3)', () => {
    expect(shouldStartWechatOauth({ ...base, inWechat: false })).toBe(false)
  })

  it('does not run when signed in, already attempted in this tab, or on the callback result', () => {
    expect(shouldStartWechatOauth({ ...base, signedIn: true })).toBe(false)
    expect(shouldStartWechatOauth({ ...base, attempted: true })).toBe(false)
    expect(shouldStartWechatOauth({ ...base, isOauthResult: true })).toBe(false)
  })
})

describe('wechat helpers', () => {
  it('builds the server entry with the return path encoded', () => {
    expect(wechatStartUrl('/projects/3?x=1&y=2')).toBe('/api/auth/wechat/start?returnTo=%2Fprojects%2F3%3Fx%3D1%26y%3D2')
  })

  it('reads only the outcomes the callback sends', () => {
    expect(wechatOutcome('unbound')).toBe('unbound')
    expect(wechatOutcome('denied')).toBe('denied')
    expect(wechatOutcome('evil')).toBeNull()
    expect(wechatOutcome(undefined)).toBeNull()
  })
})
