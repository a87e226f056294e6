import fs from 'node:fs/promises'
import path from 'node:path'
import { NOTIFY_PATH } from '../payments/payments.paths.ts'
import type { CheckItem, GoLiveInput } from './golive.types.ts'
import { bi, item } from './golive.types.ts'

/**
 * What WeChat fetches from us: the domain verification file at PUBLIC_BASE_URL, and the payment
 * notify URL. Both are fetched from here over the public address, so a reverse proxy, TLS
 * certificate or DNS mistake shows up; a firewall that lets us through but not WeChat does not.
 */

const VERIFY_TITLE = bi('域名校验文件（MP_verify_*.txt）', 'Domain verification file (MP_verify_*.txt)')
const NOTIFY_TITLE = bi('支付通知地址可达', 'Payment notify URL reachable')
const VERIFY_FILE = /^MP_verify_[A-Za-z0-9]{1,64}\.txt$/
const ADMIN_DOMAINS = '公众号后台 → 设置与开发 → 公众号设置 → 功能设置 → 网页授权域名 / JS接口安全域名'

interface Fetched {
  status: number
  body: Buffer
  location: string | null
}

async function get(input: GoLiveInput, url: string, init: RequestInit = {}): Promise<Fetched> {
  const response = await (input.fetch ?? fetch)(url, { redirect: 'manual', signal: AbortSignal.timeout(input.timeoutMs ?? 8_000), ...init })
  return { status: response.status, body: Buffer.from(await response.arrayBuffer()), location: response.headers.get('location') }
}

/** A fetch failure in words an operator can act on (TLS, DNS, refused). */
function networkProblem(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause
  const code = cause?.code ?? (error as Error)?.name ?? 'error'
  return cause?.message ? `${code}: ${cause.message}` : code
}

export async function checkVerificationFile(input: GoLiveInput): Promise<CheckItem> {
  const downloadFix = bi(
    `在 ${ADMIN_DOMAINS} 点「设置」，下载 MP_verify_<code>.txt，原样放入 SITE_FILES_DIR 指定的目录（不改名、不改内容），再保存域名 ${new URL(input.publicBaseUrl).host}。`,
    `In ${ADMIN_DOMAINS}, click 设置, download MP_verify_<code>.txt, put it unchanged into the SITE_FILES_DIR folder, then save the domain ${new URL(input.publicBaseUrl).host}.`,
  )
  const names = input.siteFilesDir === null ? [] : (await fs.readdir(input.siteFilesDir).catch(() => [] as string[])).filter((name) => VERIFY_FILE.test(name)).sort()
  if (names.length === 0) {
    if (input.mode === 'simulator') {
      return item('verification_file', VERIFY_TITLE, 'skip', bi('模拟器模式：微信不会来取校验文件', 'Simulator mode: WeChat never fetches the file'))
    }
    const where = input.siteFilesDir === null ? bi('未设置 SITE_FILES_DIR', 'SITE_FILES_DIR is not set') : bi(`${input.siteFilesDir} 中没有 MP_verify_*.txt`, `No MP_verify_*.txt in ${input.siteFilesDir}`)
    return item('verification_file', VERIFY_TITLE, 'fail', where, downloadFix)
  }
  const problems: string[] = []
  const problemsEn: string[] = []
  const base = new URL(input.publicBaseUrl)
  if (input.mode === 'live' && base.port !== '') {
    problems.push(`PUBLIC_BASE_URL 带端口 ${base.port}：微信只接受 80/443 端口的域名`)
    problemsEn.push(`PUBLIC_BASE_URL has port ${base.port}: WeChat accepts domains on ports 80/443 only`)
  }
  for (const name of names) {
    const url = `${input.publicBaseUrl}/${name}`
    const expected = await fs.readFile(path.join(input.siteFilesDir as string, name))
    try {
      const got = await get(input, url)
      if (got.status !== 200) {
        const moved = got.location ? ` → ${got.location}` : ''
        problems.push(`${url} 返回 HTTP ${got.status}${moved}`)
        problemsEn.push(`${url} answered HTTP ${got.status}${moved}`)
      } else if (!got.body.equals(expected)) {
        problems.push(`${url} 的内容与文件不同（代理或 CDN 改写了它？）`)
        problemsEn.push(`${url} serves different bytes from the file (rewritten by a proxy or CDN?)`)
      }
    } catch (error) {
      problems.push(`${url} 无法访问（${networkProblem(error)}）`)
      problemsEn.push(`${url} unreachable (${networkProblem(error)})`)
    }
  }
  if (problems.length > 0) {
    return item('verification_file', VERIFY_TITLE, 'fail', bi(problems.join('；'), problemsEn.join('; ')),
      bi('确认反向代理把根路径的 .txt 请求转给本服务（不要跳转、不要改写），PUBLIC_BASE_URL 为对外的 https 域名且不带端口。',
        'Make the reverse proxy pass root-level .txt requests to this server (no redirect, no rewrite), and set PUBLIC_BASE_URL to the public https origin without a port.'))
  }
  return item('verification_file', VERIFY_TITLE, 'pass',
    bi(`${names.join(', ')} 可在 ${input.publicBaseUrl}/ 原样取得`, `${names.join(', ')} served unchanged at ${input.publicBaseUrl}/`))
}

export async function checkNotifyUrl(input: GoLiveInput): Promise<CheckItem> {
  const url = `${input.publicBaseUrl}${NOTIFY_PATH}`
  const proxyFix = bi(`让反向代理把 ${NOTIFY_PATH} 原样（POST、原始请求体、全部 Wechatpay-* 头）转给本服务，不加登录、WAF 或跳转。`,
    `Make the reverse proxy pass ${NOTIFY_PATH} through unchanged (POST, raw body, every Wechatpay-* header), with no login, WAF or redirect in front.`)
  if (input.mode === 'live' && !url.startsWith('https://')) {
    return item('notify_url', NOTIFY_TITLE, 'fail', bi(`${url} 不是 https：微信支付只通知 https 地址`, `${url} is not https: WeChat Pay notifies https URLs only`),
      bi('PUBLIC_BASE_URL 设为 https:// 开头的对外域名，并配置有效的 TLS 证书。', 'Set PUBLIC_BASE_URL to the public https:// origin with a valid TLS certificate.'))
  }
  try {
    // An unsigned, empty notification: our handler refuses it with 401 {"code":"FAIL"}, which proves
    // the request reached it and not a login page, a WAF or a 404 of the proxy.
    const got = await get(input, url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
    let code: unknown = null
    try {
      code = (JSON.parse(got.body.toString('utf8')) as { code?: unknown }).code
    } catch {
      code = null
    }
    if (got.status === 401 && code === 'FAIL') {
      const httpNote = url.startsWith('https://') ? '' : '（模拟器模式允许 http）'
      return item('notify_url', NOTIFY_TITLE, 'pass',
        bi(`${url} 由本服务应答${httpNote}；能否从微信的 IP 段访问，要由 ¥0.01 试付款证明`, `${url} is answered by this server${httpNote ? ' (http allowed in simulator mode)' : ''}; reachability from WeChat's addresses is proven by the ¥0.01 test payment`))
    }
    const moved = got.location ? ` → ${got.location}` : ''
    return item('notify_url', NOTIFY_TITLE, 'fail', bi(`${url} 返回 HTTP ${got.status}${moved}，不是本服务的通知处理`, `${url} answered HTTP ${got.status}${moved}, not our notification handler`), proxyFix)
  } catch (error) {
    const problem = networkProblem(error)
    const tls = /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO/i.test(problem)
    return item('notify_url', NOTIFY_TITLE, 'fail', bi(`${url} 无法访问（${problem}）`, `${url} unreachable (${problem})`),
      tls
        ? bi('TLS 证书不被信任或已过期：换成受信任 CA 签发的完整证书链。', 'The TLS certificate is not trusted or has expired: install a full chain from a trusted CA.')
        : bi('检查 DNS 解析、防火墙与反向代理；从服务器内部访问自身公网地址（回环 NAT）失败时，请从外网再确认一次。', 'Check DNS, firewall and reverse proxy; if the server cannot reach its own public address (hairpin NAT), confirm from outside.'))
  }
}
