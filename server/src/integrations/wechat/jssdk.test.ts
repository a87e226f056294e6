import { describe, expect, it } from 'vitest'
import { signJsSdkConfig } from './jssdk.ts'

// Known-answer vectors from docs/wechat-protocol.md §2.4 (the first is WeChat's own doc example).
const ticket = 'sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg'
const nonceStr = 'Wm3WZYTPz0wzccnW'
const timestamp = 1414587457

describe('signJsSdkConfig', () => {
  it('matches the official example for a bare URL', () => {
    expect(signJsSdkConfig({ ticket, nonceStr, timestamp, url: 'http://mp.weixin.qq.com' })).toBe(
      'f4d90daf4b3bca3078ab155816175ba34c443a7b',
    )
  })

  it('signs the query string as part of the URL', () => {
    expect(signJsSdkConfig({ ticket, nonceStr, timestamp, url: 'http://mp.weixin.qq.com?params=value' })).toBe(
      '0f9de62fce790f9a083d5c99e95740ceb90c27ed',
    )
  })

  it('accepts the timestamp as a string with the same result', () => {
    expect(signJsSdkConfig({ ticket, nonceStr, timestamp: '1414587457', url: 'http://mp.weixin.qq.com' })).toBe(
      'f4d90daf4b3bca3078ab155816175ba34c443a7b',
    )
  })

  it('ignores the fragment', () => {
    expect(signJsSdkConfig({ ticket, nonceStr, timestamp, url: 'http://mp.weixin.qq.com?params=value#/x' })).toBe(
      '0f9de62fce790f9a083d5c99e95740ceb90c27ed',
    )
    expect(signJsSdkConfig({ ticket, nonceStr, timestamp, url: 'http://mp.weixin.qq.com#/x?y=1' })).toBe(
      'f4d90daf4b3bca3078ab155816175ba34c443a7b',
    )
  })

  it('signs the raw URL, so an encoded URL gives a different signature', () => {
    const raw = signJsSdkConfig({ ticket, nonceStr, timestamp, url: 'https://a.example/p?q=中文' })
    const encoded = signJsSdkConfig({ ticket, nonceStr, timestamp, url: encodeURIComponent('https://a.example/p?q=中文') })
    expect(raw).not.toBe(encoded)
    expect(raw).toMatch(/^[0-9a-f]{40}$/)
  })
})
