import { describe, expect, it } from 'vitest'
import { isInvalidSignature, JS_API_LIST, urlsToSign } from './jssdk.ts'

const ENTRY = 'https://h5.example.cn/?from=menu'
const CURRENT = 'https://h5.example.cn/pay/orders/12?autopay=1'

describe('urlsToSign', () => {
  it('signs the entry URL first on iOS and the current URL as the one retry', () => {
    expect(urlsToSign({ ios: true, entryUrl: ENTRY, currentUrl: CURRENT })).toEqual([ENTRY, CURRENT])
  })

  it('signs the current URL first elsewhere (Android) and the entry URL as the one retry', () => {
    expect(urlsToSign({ ios: false, entryUrl: ENTRY, currentUrl: CURRENT })).toEqual([CURRENT, ENTRY])
  })

  it('never sends the # part', () => {
    const urls = urlsToSign({ ios: true, entryUrl: `${ENTRY}#/old-hash`, currentUrl: `${CURRENT}#section` })
    expect(urls).toEqual([ENTRY, CURRENT])
    expect(urls.every((url) => !url.includes('#'))).toBe(true)
  })

  it('asks only once when the learner is still on the page they landed on', () => {
    expect(urlsToSign({ ios: true, entryUrl: CURRENT, currentUrl: `${CURRENT}#x` })).toEqual([CURRENT])
    expect(urlsToSign({ ios: false, entryUrl: CURRENT, currentUrl: CURRENT })).toEqual([CURRENT])
  })
})

describe('isInvalidSignature', () => {
  it('recognises the signature failure, which is worth one retry with the other URL', () => {
    expect(isInvalidSignature('config:fail, invalid signature')).toBe(true)
    expect(isInvalidSignature('config:fail,invalid signature')).toBe(true)
  })

  it('does not retry other failures', () => {
    expect(isInvalidSignature('config:fail, invalid url domain')).toBe(false)
    expect(isInvalidSignature('config:timeout')).toBe(false)
  })
})

describe('JS_API_LIST', () => {
  it('asks for pay, menu hiding and the current share APIs', () => {
    expect([...JS_API_LIST]).toEqual(['chooseWXPay', 'chooseInvoiceTitle', 'hideMenuItems', 'updateAppMessageShareData', 'updateTimelineShareData'])
  })
})
