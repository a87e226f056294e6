import { describe, expect, it } from 'vitest'
import { safeReturnPath } from './return-to.ts'

describe('safeReturnPath', () => {
  it('keeps same-site paths with their query and hash', () => {
    expect(safeReturnPath('/me')).toBe('/me')
    expect(safeReturnPath('/projects/3?tab=courses#top')).toBe('/projects/3?tab=courses#top')
    expect(safeReturnPath('/?category=professional')).toBe('/?category=professional')
  })

  it('takes the first value when the query repeats the parameter', () => {
    expect(safeReturnPath(['/training', '/me'])).toBe('/training')
  })

  it('falls back to / for anything missing or not a string', () => {
    expect(safeReturnPath(undefined)).toBe('/')
    expect(safeReturnPath(null)).toBe('/')
    expect(safeReturnPath('')).toBe('/')
    expect(safeReturnPath(42)).toBe('/')
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
