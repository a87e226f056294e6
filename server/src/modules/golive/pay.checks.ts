import { createCipheriv } from 'node:crypto'
import { decryptAeadAes256Gcm } from '../../integrations/wechat/pay/aead.ts'
import { createWechatPayClient } from '../../integrations/wechat/pay/client.ts'
import { WechatPayError, WechatPayResponseVerificationError } from '../../integrations/wechat/pay/errors.ts'
import type { WechatPayCertificateList } from '../../integrations/wechat/pay/types.ts'
import { randomAlphanumeric } from '../../integrations/wechat/random.ts'
import type { CheckItem, GoLiveInput } from './golive.types.ts'
import { bi, item } from './golive.types.ts'

/**
 * WeChat Pay items, none of which charges anybody:
 * - merchant key + serial: a signed query of an order number that cannot exist must answer 404
 *   ORDER_NOT_EXIST (WeChat checked our signature and looked for the order), not 401 SIGN_ERROR;
 * - WeChat Pay public key: `GET /v3/certificates` answers 200 signed by WeChat; our verifier must
 *   accept that signature with the configured key id and file;
 * - APIv3 key: a self-made AES-256-GCM sample round-trips, and any certificate WeChat encrypted
 *   for us (platform-certificate merchants) decrypts.
 */

const API_SECURITY = '商户平台 → 账户中心 → API安全'
const MERCHANT_TITLE = bi('商户 API 私钥与证书序列号', 'Merchant API key and certificate serial accepted')
const PUBLIC_KEY_TITLE = bi('微信支付公钥验证微信的应答', "WeChat Pay public key verifies WeChat's answer")
const V3_KEY_TITLE = bi('APIv3 密钥解密', 'APIv3 key decrypts')

export interface PayChecks {
  merchantKey: CheckItem
  publicKey: CheckItem
  apiV3Key: CheckItem
}

function payUnreachable(id: CheckItem['id'], title: CheckItem['title'], error: unknown): CheckItem {
  const status = error instanceof WechatPayError ? `HTTP ${error.status} ${error.code}` : String((error as Error)?.message ?? error)
  return item(id, title, 'fail', bi(`微信支付没有正常应答（${status}）`, `No usable answer from WeChat Pay (${status})`),
    bi('检查服务器能否访问 https://api.mch.weixin.qq.com，WECHATPAY_API_BASE 正式环境应留空；5xx 为微信侧繁忙，稍后重试。',
      'Check that the server reaches https://api.mch.weixin.qq.com and that WECHATPAY_API_BASE is unset in production; 5xx is WeChat being busy, retry later.'))
}

async function checkMerchantKey(input: GoLiveInput): Promise<CheckItem> {
  const client = createWechatPayClient(input.wechat, { fetch: input.fetch, now: input.now, timeoutMs: input.timeoutMs ?? 8_000 })
  // 6–32 of [0-9A-Za-z_-]; no order of ours starts with this prefix.
  const outTradeNo = `GOLIVECHECK${randomAlphanumeric(16)}`
  const serialFix = bi(
    `WECHATPAY_MCH_SERIAL 应为 ${API_SECURITY} → API证书 → 管理证书 中的证书序列号（或 \`openssl x509 -in apiclient_cert.pem -noout -serial\`），WECHATPAY_MCH_PRIVATE_KEY_FILE 应为同一张证书的 apiclient_key.pem；证书已更换时两者都要更新。`,
    `WECHATPAY_MCH_SERIAL must be the serial shown at ${API_SECURITY} → API证书 → 管理证书 (or \`openssl x509 -in apiclient_cert.pem -noout -serial\`), and WECHATPAY_MCH_PRIVATE_KEY_FILE the apiclient_key.pem of that same certificate; after a certificate change update both.`,
  )
  try {
    await client.queryByOutTradeNo(outTradeNo)
    return item('merchant_key', MERCHANT_TITLE, 'pass', bi('微信支付接受了签名请求', 'WeChat Pay accepted the signed request'))
  } catch (error) {
    if (error instanceof WechatPayResponseVerificationError) {
      // A 2xx came back: WeChat accepted our signature; the public-key item reports the rest.
      return item('merchant_key', MERCHANT_TITLE, 'pass', bi('微信支付接受了签名请求', 'WeChat Pay accepted the signed request'))
    }
    if (!(error instanceof WechatPayError)) return payUnreachable('merchant_key', MERCHANT_TITLE, error)
    if (error.status === 404 && error.code === 'ORDER_NOT_EXIST') {
      return item('merchant_key', MERCHANT_TITLE, 'pass',
        bi(`商户号 ${input.wechat.mchId} 的签名被接受（查询不存在的订单得到 404 ORDER_NOT_EXIST）`, `Merchant ${input.wechat.mchId}'s signature accepted (a query of a non-existent order answered 404 ORDER_NOT_EXIST)`))
    }
    if (error.status === 401 || error.code === 'SIGN_ERROR') {
      return item('merchant_key', MERCHANT_TITLE, 'fail',
        bi(`微信支付拒绝了签名：${error.status} ${error.code}（私钥与证书序列号不匹配，或服务器时间偏差超过 5 分钟）`, `WeChat Pay refused the signature: ${error.status} ${error.code} (private key and serial do not match, or the clock is more than 5 minutes off)`),
        serialFix)
    }
    if (error.code === 'MCH_NOT_EXISTS') {
      return item('merchant_key', MERCHANT_TITLE, 'fail', bi('商户号不存在', 'No such merchant id'),
        bi('WECHATPAY_MCH_ID 应为商户平台右上角的商户号（10 位数字）。', 'WECHATPAY_MCH_ID must be the merchant id shown in the merchant console (10 digits).'))
    }
    if (error.status >= 400 && error.status < 500) {
      return item('merchant_key', MERCHANT_TITLE, 'fail', bi(`微信支付拒绝了请求：${error.status} ${error.code}`, `WeChat Pay refused the request: ${error.status} ${error.code}`), serialFix)
    }
    return payUnreachable('merchant_key', MERCHANT_TITLE, error)
  }
}

/** The verdict for a 2xx answer our verifier refused, by reason. */
function verificationFailure(error: WechatPayResponseVerificationError, input: GoLiveInput, certificates: WechatPayCertificateList | null): CheckItem {
  const configured = Object.keys(input.wechat.wechatpayPublicKeys).join(', ')
  const fileFix = bi(
    `在 ${API_SECURITY} → 微信支付公钥 下载 pub_key.pem 并把路径填入 WECHATPAY_PUBLIC_KEY_FILE，公钥ID（PUB_KEY_ID_…）填入 WECHATPAY_PUBLIC_KEY_ID；两者必须是同一把公钥。`,
    `Download pub_key.pem at ${API_SECURITY} → 微信支付公钥, point WECHATPAY_PUBLIC_KEY_FILE at it and set WECHATPAY_PUBLIC_KEY_ID to its id (PUB_KEY_ID_…); both must belong to the same key.`,
  )
  switch (error.reason) {
    case 'unknown_serial': {
      const used = error.serial ?? '?'
      const isPlatformCert = certificates?.data.some((cert) => cert.serial_no === used) ?? false
      if (isPlatformCert) {
        return item('wechatpay_public_key', PUBLIC_KEY_TITLE, 'fail',
          bi(`微信用平台证书 ${used} 签名，而配置中只有 ${configured}`, `WeChat signed with platform certificate ${used}; configured: ${configured}`),
          bi(`设置 WECHATPAY_PLATFORM_CERT_SERIAL=${used} 与 WECHATPAY_PLATFORM_CERT_FILE（该证书的 PEM），或在 ${API_SECURITY} 切换到微信支付公钥。`,
            `Set WECHATPAY_PLATFORM_CERT_SERIAL=${used} and WECHATPAY_PLATFORM_CERT_FILE (that certificate's PEM), or switch to the WeChat Pay public key at ${API_SECURITY}.`))
      }
      return item('wechatpay_public_key', PUBLIC_KEY_TITLE, 'fail',
        bi(`微信用 ${used} 签名，配置中的公钥ID是 ${configured}`, `WeChat signed with ${used}; the configured key id is ${configured}`), fileFix)
    }
    case 'bad_signature':
    case 'bad_key':
      return item('wechatpay_public_key', PUBLIC_KEY_TITLE, 'fail',
        bi(error.reason === 'bad_key' ? `公钥文件无法解析（${error.serial ?? ''}）` : `用 ${error.serial ?? ''} 对应的公钥文件验签失败：文件不是这个公钥ID的公钥`,
          error.reason === 'bad_key' ? `The public key file cannot be parsed (${error.serial ?? ''})` : `The key file configured for ${error.serial ?? ''} does not verify WeChat's signature: it is not that key id's key`),
        fileFix)
    case 'stale_timestamp':
      return item('wechatpay_public_key', PUBLIC_KEY_TITLE, 'fail', bi('应答时间戳与本机时间相差超过 5 分钟', "The answer's timestamp is more than 5 minutes from this server's clock"),
        bi('开启 NTP 时间同步（timedatectl set-ntp true）。', 'Turn on NTP time sync (timedatectl set-ntp true).'))
    case 'missing_headers':
      return item('wechatpay_public_key', PUBLIC_KEY_TITLE, 'fail', bi('成功应答没有微信支付签名头', 'A success answer carried no WeChat Pay signature headers'),
        bi('WECHATPAY_API_BASE 正式环境应留空；检查出站代理是否去掉了 Wechatpay-* 头。', 'Leave WECHATPAY_API_BASE unset in production; check that no outbound proxy strips the Wechatpay-* headers.'))
    default:
      return item('wechatpay_public_key', PUBLIC_KEY_TITLE, 'fail', bi(`验签失败（${error.reason}）`, `Verification failed (${error.reason})`),
        bi('签名探测（WECHATPAY/SIGNTEST）时稍后重试即可。', 'For a WeChat signature probe (WECHATPAY/SIGNTEST) just retry later.'))
  }
}

/** A sample we encrypt ourselves, as WeChat encrypts notifications (AAD "transaction"). */
function selfMadeSample(apiV3Key: string): { resource: { ciphertext: string; nonce: string; associated_data: string }; plain: string } {
  const plain = `golive-${randomAlphanumeric(24)}`
  const nonce = randomAlphanumeric(12)
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(apiV3Key, 'utf8'), Buffer.from(nonce, 'utf8'))
  cipher.setAAD(Buffer.from('transaction', 'utf8'))
  const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final(), cipher.getAuthTag()])
  return { resource: { ciphertext: data.toString('base64'), nonce, associated_data: 'transaction' }, plain }
}

function checkApiV3Key(input: GoLiveInput, certificates: WechatPayCertificateList | null): CheckItem {
  const fix = bi(
    `WECHATPAY_API_V3_KEY 应为 ${API_SECURITY} → APIv3密钥 中设置的 32 位密钥（微信不再显示它；忘记时只能重新设置，重设后旧通知无法解密，要同时更新配置）。`,
    `WECHATPAY_API_V3_KEY must be the 32-character key set at ${API_SECURITY} → APIv3密钥 (WeChat never shows it again; if lost, set a new one and update the config at the same moment).`,
  )
  try {
    const sample = selfMadeSample(input.wechat.apiV3Key)
    if (decryptAeadAes256Gcm(sample.resource, input.wechat.apiV3Key) !== sample.plain) throw new Error('round trip differs')
  } catch {
    return item('api_v3_key', V3_KEY_TITLE, 'fail', bi('APIv3 密钥无法解密自制样本（长度不是 32 字节？）', 'The APIv3 key cannot decrypt a self-made sample (not 32 bytes?)'), fix)
  }
  const encrypted = certificates?.data ?? []
  for (const cert of encrypted) {
    try {
      const pem = decryptAeadAes256Gcm(cert.encrypt_certificate, input.wechat.apiV3Key)
      if (!pem.includes('BEGIN CERTIFICATE')) throw new Error('not a certificate')
    } catch {
      return item('api_v3_key', V3_KEY_TITLE, 'fail',
        bi(`自制样本可解密，但微信加密的平台证书 ${cert.serial_no} 解密失败：配置的密钥与商户平台上的不同，支付通知将全部无法解密`,
          `The self-made sample decrypts, but platform certificate ${cert.serial_no} encrypted by WeChat does not: the configured key differs from the merchant console's, so every payment notification would fail`),
        fix)
    }
  }
  if (encrypted.length > 0) {
    return item('api_v3_key', V3_KEY_TITLE, 'pass', bi(`自制样本与微信加密的 ${encrypted.length} 张平台证书均解密成功`, `The self-made sample and ${encrypted.length} platform certificate(s) encrypted by WeChat decrypt`))
  }
  // Public-key-only merchants get nothing encrypted from WeChat short of a real notification.
  return item('api_v3_key', V3_KEY_TITLE, input.mode === 'simulator' ? 'pass' : 'warn',
    bi('自制 AES-256-GCM 样本解密成功；微信没有下发可供核对的加密数据（公钥模式），密钥是否与商户平台一致要由 ¥0.01 试付款的支付通知证明',
      "A self-made AES-256-GCM sample decrypts; WeChat sent nothing encrypted to compare with (public-key mode), so only the ¥0.01 test payment's notification proves the key matches the merchant console"),
    input.mode === 'simulator' ? null : bi('按 docs/go-live.md 做一次 ¥0.01 支付与退款，确认订单变为已支付。', 'Make the ¥0.01 payment and refund of docs/go-live.md and see the order become paid.'))
}

export async function checkPay(input: GoLiveInput): Promise<PayChecks> {
  const merchantKey = await checkMerchantKey(input)
  if (merchantKey.verdict === 'fail') {
    const skipped = bi('商户签名未通过，无法检查', 'Not checked: the merchant signature was refused')
    return {
      merchantKey,
      publicKey: item('wechatpay_public_key', PUBLIC_KEY_TITLE, 'skip', skipped),
      apiV3Key: checkApiV3Key(input, null),
    }
  }
  const client = createWechatPayClient(input.wechat, { fetch: input.fetch, now: input.now, timeoutMs: input.timeoutMs ?? 8_000 })
  let certificates: WechatPayCertificateList | null = null
  let publicKey: CheckItem
  try {
    certificates = await client.listCertificates()
    publicKey = item('wechatpay_public_key', PUBLIC_KEY_TITLE, 'pass',
      bi(`微信的应答签名已用 ${Object.keys(input.wechat.wechatpayPublicKeys).join(', ')} 验证通过`, `WeChat's signed answer verified with ${Object.keys(input.wechat.wechatpayPublicKeys).join(', ')}`))
  } catch (error) {
    if (error instanceof WechatPayResponseVerificationError) {
      // The body is still readable: it tells whether WeChat signed with a platform certificate.
      certificates = await readUnverifiedCertificates(input).catch(() => null)
      publicKey = verificationFailure(error, input, certificates)
    } else {
      publicKey = payUnreachable('wechatpay_public_key', PUBLIC_KEY_TITLE, error)
    }
  }
  return { merchantKey, publicKey, apiV3Key: checkApiV3Key(input, certificates) }
}

/**
 * Reads /v3/certificates once more, accepting any signature, only to name the platform certificate
 * WeChat used in the fix. Nothing read here is trusted for anything else.
 */
async function readUnverifiedCertificates(input: GoLiveInput): Promise<WechatPayCertificateList | null> {
  let body: string | null = null
  const capture: typeof fetch = async (url, init) => {
    const response = await (input.fetch ?? fetch)(url, init)
    body = await response.clone().text()
    return response
  }
  const client = createWechatPayClient(input.wechat, { fetch: capture, now: input.now, timeoutMs: input.timeoutMs ?? 8_000 })
  await client.listCertificates().catch(() => {})
  if (body === null) return null
  const parsed = JSON.parse(body) as unknown
  return typeof parsed === 'object' && parsed !== null && Array.isArray((parsed as { data?: unknown }).data) ? (parsed as WechatPayCertificateList) : null
}
