import { describe, expect, it } from 'vitest'
import { detectIOS, detectWechat, withoutHash } from './env.ts'

const WECHAT_IOS =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.50(0x1800322c) NetType/WIFI Language/zh_CN'
const WECHAT_ANDROID =
  'Mozilla/5.0 (Linux; Android 13; V2219A) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160065 MMWEBSDK/20231202 MicroMessenger/8.0.47.2560(0x28002F30) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64'
const DESKTOP_CHROME =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36'
const IPAD_DESKTOP_MODE =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15'

describe('detectWechat', () => {
  it('is true in WeChat on iOS and Android and false elsewhere', () => {
    expect(detectWechat(WECHAT_IOS)).toBe(true)
    expect(detectWechat(WECHAT_ANDROID)).toBe(true)
    expect(detectWechat(DESKTOP_CHROME)).toBe(false)
  })
})

describe('detectIOS', () => {
  it('recognises iPhone and an iPad that reports itself as a Mac', () => {
    expect(detectIOS(WECHAT_IOS)).toBe(true)
    expect(detectIOS(IPAD_DESKTOP_MODE, 'MacIntel', 5)).toBe(true)
  })

  it('is false on Android and on a real Mac', () => {
    expect(detectIOS(WECHAT_ANDROID, 'Linux armv8l', 5)).toBe(false)
    expect(detectIOS(IPAD_DESKTOP_MODE, 'MacIntel', 0)).toBe(false)
  })
})

describe('withoutHash', () => {
  it('drops the fragment and keeps the query', () => {
    expect(withoutHash('https://h5.example.cn/projects/1?from=menu#top')).toBe('https://h5.example.cn/projects/1?from=menu')
    expect(withoutHash('https://h5.example.cn/')).toBe('https://h5.example.cn/')
  })
})
