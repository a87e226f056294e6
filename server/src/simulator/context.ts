// Everything the route modules share: resolved options, parsed keys, state and the notifier.
import type { KeyObject } from 'node:crypto'
import type { Credentials } from './credentials.ts'
import type { FaultControl } from './faults.ts'
import type { Notifier } from './notifier.ts'
import type { SimState } from './state.ts'
import type { Timers } from './util.ts'

export interface SimLog { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void }

export interface SimConfig {
  appId: string
  appSecret: string
  mchId: string
  merchantCertSerial: string
  apiV3Key: string
  wechatpayPublicKeyId: string
  oauthCallbackHosts: string[]
  allowHttpNotifyUrl: boolean
  retryScale: number
}

export interface SimKeys {
  merchantPublic: KeyObject
  wechatpayPrivate: KeyObject
  platform?: { serial: string; privateKey: KeyObject; certificatePem: string }
}

export interface SimContext {
  config: SimConfig
  keys: SimKeys
  state: SimState
  creds: Credentials
  faults: FaultControl
  notifier: Notifier
  timers: Timers
  now: () => number
  log: SimLog
  /** the prefix the server mounted the plugin at (e.g. /wx-sim), for absolute URLs we hand out */
  prefix: string
}
