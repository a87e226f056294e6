import { describe, expect, it } from 'vitest'
import { chooseWXPayOptions, needsFreshPayPageLoad, paymentOutcome, payOrderPath, PAY_PATH_PREFIX } from './pay.ts'

describe('paymentOutcome', () => {
  it.each([
    // WeixinJSBridge getBrandWCPayRequest
    ['get_brand_wcpay_request:ok', 'ok'],
    ['get_brand_wcpay_request:cancel', 'cancel'],
    ['get_brand_wcpay_request:fail', 'fail'],
    // wx.chooseWXPay
    ['chooseWXPay:ok', 'ok'],
    ['chooseWXPay:cancel', 'cancel'],
    ['chooseWXPay:fail, the permission value is offline verifying', 'fail'],
    // anything unknown or missing is a failure
    [undefined, 'fail'],
    ['', 'fail'],
    ['ok', 'fail'],
    ['system:access_denied', 'fail'],
  ])('maps %j to %s', (errMsg, outcome) => {
    expect(paymentOutcome(errMsg)).toBe(outcome)
  })
})

describe('chooseWXPayOptions', () => {
  it('passes the signed values with the JS-SDK lower-case timestamp', () => {
    const options = chooseWXPayOptions({
      appId: 'wx2421b1c4370ec43b',
      timeStamp: '1554208460',
      nonceStr: '593BEC0C930BF1AFEB40B4A08C8FB242',
      package: 'prepay_id=wx201410272009395522657a690389285100',
      signType: 'RSA',
      paySign: 'c2lnbg==',
    })
    expect(options).toEqual({
      timestamp: '1554208460',
      nonceStr: '593BEC0C930BF1AFEB40B4A08C8FB242',
      package: 'prepay_id=wx201410272009395522657a690389285100',
      signType: 'RSA',
      paySign: 'c2lnbg==',
    })
    expect(options).not.toHaveProperty('timeStamp')
  })
})

describe('pay page location', () => {
  it('keeps every pay page under the one registered directory', () => {
    expect(PAY_PATH_PREFIX).toBe('/pay/')
    expect(payOrderPath(12, true)).toBe('/pay/orders/12?autopay=1')
    expect(payOrderPath(12, false)).toBe('/pay/orders/12')
  })

  it('loads the pay page afresh on iOS WeChat unless the learner landed under /pay/', () => {
    const base = { inWechat: true, ios: true, basePath: '/' }
    expect(needsFreshPayPageLoad({ ...base, entryUrl: 'https://h5.example.cn/projects/1/order' })).toBe(true)
    expect(needsFreshPayPageLoad({ ...base, entryUrl: 'https://h5.example.cn/pay/orders/3' })).toBe(false)
    expect(needsFreshPayPageLoad({ ...base, basePath: '/jx/', entryUrl: 'https://h5.example.cn/jx/pay/orders/3' })).toBe(false)
    expect(needsFreshPayPageLoad({ ...base, basePath: '/jx/', entryUrl: 'https://h5.example.cn/pay/orders/3' })).toBe(true)
  })

  it('navigates inside the app on Android WeChat and outside WeChat', () => {
    const entryUrl = 'https://h5.example.cn/'
    expect(needsFreshPayPageLoad({ inWechat: true, ios: false, basePath: '/', entryUrl })).toBe(false)
    expect(needsFreshPayPageLoad({ inWechat: false, ios: true, basePath: '/', entryUrl })).toBe(false)
  })
})
