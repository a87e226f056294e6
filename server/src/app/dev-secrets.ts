import { generateKeyPairSync, randomBytes, randomInt } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'

/**
 * Development-only secrets and keys, generated on first run into the git-ignored data folder so
 * nothing secret is ever committed. They stand in for the WeChat Official Account, the merchant's
 * API key pair and "WeChat Pay"'s own signing key (held by the simulator).
 */
export interface DevSecrets {
  jwtSecret: string
  appId: string
  appSecret: string
  mchId: string
  mchSerial: string
  mchPrivateKeyPem: string
  mchPublicKeyPem: string
  apiV3Key: string
  wechatpayPrivateKeyPem: string
  wechatpayPublicKeyPem: string
  wechatpayPublicKeyId: string
}

const FILE_NAME = 'dev-secrets.json'
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

function randomAlnum(length: number): string {
  let out = ''
  for (let i = 0; i < length; i++) out += ALNUM[randomInt(ALNUM.length)]
  return out
}

function rsaPair(): { privateKeyPem: string; publicKeyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  })
  return { privateKeyPem: privateKey, publicKeyPem: publicKey }
}

export function generateDevSecrets(): DevSecrets {
  const merchant = rsaPair()
  const wechatpay = rsaPair()
  return {
    jwtSecret: randomBytes(32).toString('base64url'),
    appId: `wx${randomBytes(8).toString('hex')}`,
    appSecret: randomBytes(16).toString('hex'),
    mchId: `19${String(randomInt(10_000_000, 99_999_999))}`,
    mchSerial: randomBytes(20).toString('hex').toUpperCase(),
    mchPrivateKeyPem: merchant.privateKeyPem,
    mchPublicKeyPem: merchant.publicKeyPem,
    apiV3Key: randomAlnum(32),
    wechatpayPrivateKeyPem: wechatpay.privateKeyPem,
    wechatpayPublicKeyPem: wechatpay.publicKeyPem,
    wechatpayPublicKeyId: `PUB_KEY_ID_01${String(randomInt(10 ** 9, 10 ** 10 - 1))}${String(randomInt(10 ** 9, 10 ** 10 - 1))}0001`,
  }
}

/** Reads the data folder's development secrets, creating them (mode 0600) on first run. */
export function loadOrCreateDevSecrets(dataDir: string): DevSecrets {
  const file = path.join(dataDir, FILE_NAME)
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8')) as DevSecrets
  fs.mkdirSync(dataDir, { recursive: true })
  const secrets = generateDevSecrets()
  fs.writeFileSync(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 })
  return secrets
}
