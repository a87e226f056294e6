import { createVerify } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { buildAuthorization, buildJsapiPayParams, buildPaySign, buildRequestSignString, createNonce } from './signing.ts'
import { generateRsaKeys } from '../../../../test/wechat-stand-in-helpers.ts'

const merchant = generateRsaKeys()

function rsaSha256Verifies(message: string, signature: string, publicKeyPem: string): boolean {
  return createVerify('RSA-SHA256').update(message, 'utf8').verify(publicKeyPem, signature, 'base64')
}

describe('buildRequestSignString', () => {
  it('gives five lines, each ending in \\n, for a POST with a body', () => {
    const body = '{"mchid":"1900000001","amount":{"total":1}}'
    expect(buildRequestSignString('post', '/v3/pay/transactions/jsapi', 1554208460, 'NONCE123', body)).toBe(
      `POST\n/v3/pay/transactions/jsapi\n1554208460\nNONCE123\n${body}\n`,
    )
  })

  it('ends a GET with NONCE\\n\\n and keeps the query in the canonical URL', () => {
    expect(
      buildRequestSignString('GET', '/v3/pay/transactions/out-trade-no/T20250101001?mchid=1230000109', '1554208460', 'N', ''),
    ).toBe('GET\n/v3/pay/transactions/out-trade-no/T20250101001?mchid=1230000109\n1554208460\nN\n\n')
  })
})

describe('buildAuthorization', () => {
  it('writes the five pairs without spaces and a signature the merchant public key verifies', () => {
    const body = '{"mchid":"1900000001"}'
    const header = buildAuthorization({
      mchId: '1900000001',
      serialNo: '5157F09EFDC096DE15EBE81A47057A7232F1B8E1',
      privateKey: merchant.privateKeyPem,
      method: 'POST',
      canonicalUrl: '/v3/pay/transactions/out-trade-no/T1/close',
      body,
      timestamp: 1554208460,
      nonce: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345',
    })
    const match =
      /^WECHATPAY2-SHA256-RSA2048 mchid="1900000001",nonce_str="ABCDEFGHIJKLMNOPQRSTUVWXYZ012345",timestamp="1554208460",serial_no="5157F09EFDC096DE15EBE81A47057A7232F1B8E1",signature="([A-Za-z0-9+/=]+)"$/.exec(
        header,
      )
    expect(match).not.toBeNull()
    const signature = match?.[1] ?? ''
    expect(Buffer.from(signature, 'base64')).toHaveLength(256)
    const signed = `POST\n/v3/pay/transactions/out-trade-no/T1/close\n1554208460\nABCDEFGHIJKLMNOPQRSTUVWXYZ012345\n${body}\n`
    expect(rsaSha256Verifies(signed, signature, merchant.publicKeyPem)).toBe(true)
    expect(rsaSha256Verifies(signed.replace('T1', 'T2'), signature, merchant.publicKeyPem)).toBe(false)
  })
})

describe('createNonce', () => {
  it('is 32 alphanumeric characters and different each time', () => {
    const a = createNonce()
    expect(a).toMatch(/^[A-Za-z0-9]{32}$/)
    expect(createNonce()).not.toBe(a)
  })
})

describe('paySign', () => {
  it('signs appId\\ntimeStamp\\nnonceStr\\npackage\\n with the merchant key', () => {
    const input = {
      appId: 'wx2421b1c4370ec43b',
      timeStamp: '1554208460',
      nonceStr: '593BEC0C930BF1AFEB40B4A08C8FB242',
      package: 'prepay_id=wx201410272009395522657a690389285100',
    }
    const paySign = buildPaySign(input, merchant.privateKeyPem)
    expect(
      rsaSha256Verifies(
        'wx2421b1c4370ec43b\n1554208460\n593BEC0C930BF1AFEB40B4A08C8FB242\nprepay_id=wx201410272009395522657a690389285100\n',
        paySign,
        merchant.publicKeyPem,
      ),
    ).toBe(true)
  })

  it('builds the cashier parameters with seconds as a string and a paySign over them', () => {
    const params = buildJsapiPayParams(
      { appId: 'wxapp', mchPrivateKeyPem: merchant.privateKeyPem },
      'wx2014102720',
      { now: () => 1_554_208_460_999 },
    )
    expect(params).toMatchObject({ appId: 'wxapp', timeStamp: '1554208460', package: 'prepay_id=wx2014102720', signType: 'RSA' })
    expect(params.nonceStr).toMatch(/^[A-Za-z0-9]{32}$/)
    const message = `wxapp\n1554208460\n${params.nonceStr}\nprepay_id=wx2014102720\n`
    expect(rsaSha256Verifies(message, params.paySign, merchant.publicKeyPem)).toBe(true)
    expect(rsaSha256Verifies(message, params.paySign, generateRsaKeys().publicKeyPem)).toBe(false)
  })
})
