import { describe, expect, it } from 'vitest'
import { safeReturnPath } from './return-to.ts'

describe('safeReturnPath', () => {
  it.each(['/me', '/projects/3?tab=courses#top', '/?category=professional'])('keeps the same-site path %s with its query and hash', (path) => {
    expect(safeReturnPath(path)).toBe(path)
  })

  it('takes the first value when the query repeats the parameter', () => {
    expect(safeReturnPath(['/training', '/me'])).toBe('/training')
  })

  it.each([undefined, null, '', 42])('falls back to / for %j (missing or not a string)', (raw) => {
    expect(safeReturnPath(raw)).toBe('/')
  })

  it('refuses other sites however they are spelled', () => {
    for (const raw of [
      'https://evil.example/',
      'http:/evil.example',
      '//evil.example/path',
      '/\\evil.example',
      '\\\\evil.example',
      '/\t/evil.example',
      ' /me',
      'javascript:alert(1)',
      'me',
    ]) {
      expect(safeReturnPath(raw), raw).toBe('/')
    }
  })

  it('refuses the API and the sign-in pages themselves', () => {
    expect(safeReturnPath('/api/auth/wechat/start?returnTo=/')).toBe('/')
    expect(safeReturnPath('/api')).toBe('/')
    expect(safeReturnPath('/login?redirect=/me')).toBe('/')
    expect(safeReturnPath('/register')).toBe('/')
    expect(safeReturnPath('/forgot-password')).toBe('/')
    // A path that merely starts with the same letters is fine.
    expect(safeReturnPath('/apiary')).toBe('/apiary')
  })

  it('refuses overlong values', () => {
    expect(safeReturnPath(`/${'a'.repeat(600)}`)).toBe('/')
  })
})
