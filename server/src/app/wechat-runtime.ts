import fs from 'node:fs'
import path from 'node:path'
import type { Config } from './app.config.ts'
import { ConfigError } from './app.config.ts'
import type { DevSecrets } from './dev-secrets.ts'
import type { WechatSettings } from '../integrations/wechat/settings.ts'
import { createWechatSimulator } from '../simulator/index.ts'

export type WechatSimulator = ReturnType<typeof createWechatSimulator>

export interface WechatRuntime {
  mode: 'simulator' | 'live'
  /** Our client's view of WeChat: the same shape whether it talks to WeChat or to the simulator. */
  settings: WechatSettings
  simulator: WechatSimulator | null
  /** Called once the server listens: server-to-server calls go to the simulator on the real port. */
  onListening(port: number): void
}

function readKeyFile(variable: string, file: string): string {
  try {
    return fs.readFileSync(path.resolve(file), 'utf8')
  } catch (error) {
    throw new ConfigError(`${variable} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}): ${file}`)
  }
}

/** Real WeChat: every value from the validated config and the key files it names. */
function liveRuntime(config: Config): WechatRuntime {
  const live = config.wechat
  if (!live) throw new Error('liveRuntime needs WeChat credentials')
  return {
    mode: 'live',
    settings: {
      appId: live.appId,
      appSecret: live.appSecret,
      oauthBase: live.oauthBase,
      apiBase: live.apiBase,
      payBase: live.payBase,
      mchId: live.mchId,
      mchSerial: live.mchSerial,
      mchPrivateKeyPem: readKeyFile('WECHATPAY_MCH_PRIVATE_KEY_FILE', live.mchPrivateKeyFile),
      apiV3Key: live.apiV3Key,
      // Responses and notifications are verified with the key their Wechatpay-Serial names: the
      // public key (PUB_KEY_ID_…) and, during a migration, the legacy platform certificate.
      wechatpayPublicKeys: {
        [live.wechatpayPublicKeyId]: readKeyFile('WECHATPAY_PUBLIC_KEY_FILE', live.wechatpayPublicKeyFile),
        ...(live.platformCert ? { [live.platformCert.serial]: readKeyFile('WECHATPAY_PLATFORM_CERT_FILE', live.platformCert.file) } : {}),
      },
      wechatpayPublicKeyId: live.wechatpayPublicKeyId,
    },
    simulator: null,
    onListening() {},
  }
}

/** Our client's settings for a simulator holding the given development keys. */
export function simulatorClientSettings(secrets: DevSecrets, bases: Pick<WechatSettings, 'oauthBase' | 'apiBase' | 'payBase'>): WechatSettings {
  return {
    appId: secrets.appId,
    appSecret: secrets.appSecret,
    ...bases,
    mchId: secrets.mchId,
    mchSerial: secrets.mchSerial,
    mchPrivateKeyPem: secrets.mchPrivateKeyPem,
    apiV3Key: secrets.apiV3Key,
    wechatpayPublicKeys: { [secrets.wechatpayPublicKeyId]: secrets.wechatpayPublicKeyPem },
    wechatpayPublicKeyId: secrets.wechatpayPublicKeyId,
  }
}

/** The simulator's side of the same keys: the merchant's public half, WeChat Pay's private half. */
export function simulatorKeys(secrets: DevSecrets) {
  return {
    appId: secrets.appId,
    appSecret: secrets.appSecret,
    mchId: secrets.mchId,
    merchantCertSerial: secrets.mchSerial,
    merchantPublicKeyPem: secrets.mchPublicKeyPem,
    apiV3Key: secrets.apiV3Key,
    wechatpayPrivateKeyPem: secrets.wechatpayPrivateKeyPem,
    wechatpayPublicKeyId: secrets.wechatpayPublicKeyId,
  }
}

/**
 * No credentials: mount the built-in simulator with the data folder's development keys and point
 * the three base URLs at it. The browser reaches OAuth through PUBLIC_BASE_URL; server-to-server
 * calls use loopback on the port we actually listen on.
 */
function simulatorRuntime(config: Config, secrets: DevSecrets): WechatRuntime {
  const publicUrl = new URL(config.publicBaseUrl)
  const loopback = (port: number) => `http://127.0.0.1:${port}/wx-sim`
  const settings = simulatorClientSettings(secrets, {
    oauthBase: `${config.publicBaseUrl}/wx-sim/open`,
    apiBase: `${loopback(config.port)}/api`,
    payBase: `${loopback(config.port)}/mch`,
  })
  // One array, shared with the simulator, which reads it per request: hosts added once the real
  // port is known take effect.
  const callbackHosts = [publicUrl.host, `localhost:${config.port}`, `127.0.0.1:${config.port}`]
  let listeningPort = config.port
  const simulator = createWechatSimulator({
    ...simulatorKeys(secrets),
    oauthCallbackHosts: callbackHosts,
    allowHttpNotifyUrl: true,
    // WeChat's 15 s … 6 h retry schedule, compressed ×1/60 so development sees retries in seconds.
    retryScale: 1 / 60,
    stateFile: path.join(config.dataDir, 'wechat-simulator.json'),
    // Our server URL as the platform would hold it: the simulator pushes learners' messages and 订阅通知 events there.
    serverUrl: () => ({ url: `${loopback(listeningPort)}`.replace('/wx-sim', '/api/notices/wechat-server'), token: config.notices.serverToken, encodingAesKey: config.notices.encodingAesKey }),
  })
  return {
    mode: 'simulator',
    settings,
    simulator,
    onListening(port) {
      listeningPort = port
      settings.apiBase = `${loopback(port)}/api`
      settings.payBase = `${loopback(port)}/mch`
      callbackHosts.push(`localhost:${port}`, `127.0.0.1:${port}`)
    },
  }
}

/**
 * Simulator mode with the simulator in its own process (WECHAT_SIMULATOR_URL), shared by several
 * instances as WeChat is: the browser reaches its pages through PUBLIC_BASE_URL (the proxy routes
 * /wx-sim to it), server-to-server calls go to it directly. The instances share DATA_DIR's keys.
 */
function externalSimulatorRuntime(config: Config, secrets: DevSecrets, simulatorUrl: string): WechatRuntime {
  return {
    mode: 'simulator',
    settings: simulatorClientSettings(secrets, {
      oauthBase: `${config.publicBaseUrl}/wx-sim/open`,
      apiBase: `${simulatorUrl}/wx-sim/api`,
      payBase: `${simulatorUrl}/wx-sim/mch`,
    }),
    simulator: null,
    onListening() {},
  }
}

export function createWechatRuntime(config: Config, secrets: DevSecrets | null): WechatRuntime {
  if (config.wechat) return liveRuntime(config)
  if (!secrets) throw new Error('simulator mode needs development secrets')
  if (config.wechatSimulatorUrl) return externalSimulatorRuntime(config, secrets, config.wechatSimulatorUrl)
  return simulatorRuntime(config, secrets)
}
