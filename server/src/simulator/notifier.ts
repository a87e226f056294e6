// Delivers payment and refund notifications the way WeChat Pay does (§3.7, §3.10, §3.13.6):
// encrypted resource, signed headers, 5 s answer deadline, the official retry schedule, and the
// notification faults (probe, duplicates, out-of-order, bad signature, delay, wrong serial, stale time).
import { generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto'
import type { FaultControl } from './faults.ts'
import { faultNumber } from './faults.ts'
import { encryptResource, requestId, signedHeaders } from './pay-signing.ts'
import { rfc3339, type Timers } from './util.ts'

/** WeChat's retry delays after a failed delivery, in seconds: 15 retries over about 24 hours. */
export const RETRY_DELAYS_S = [15, 15, 30, 180, 600, 1200, 1800, 1800, 1800, 3600, 10800, 10800, 10800, 21600, 21600]
const ANSWER_DEADLINE_MS = 5000

export interface NotificationJob {
  url: string
  eventType: 'TRANSACTION.SUCCESS' | 'REFUND.SUCCESS' | 'REFUND.ABNORMAL' | 'REFUND.CLOSED'
  summary: string
  originalType: 'transaction' | 'refund'
  resource: object
}

export interface DeliveryRecord {
  notificationId: string
  eventType: string
  url: string
  attempt: number
  probe: boolean
  status: number | 'error' | 'timeout'
  at: number
}

export interface NotifierDeps {
  apiV3Key: string
  signKey: KeyObject
  serial: string
  retryScale: number
  now: () => number
  faults: FaultControl
  timers: Timers
  log: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void }
}

interface Prepared { id: string; eventType: string; url: string; body: string }

export class Notifier {
  private readonly records: DeliveryRecord[] = []
  private readonly abort = new AbortController()
  private held: { note: Prepared; release: () => void } | undefined
  private wrongKey: KeyObject | undefined

  constructor(private readonly deps: NotifierDeps) {}

  /** Queues a notification and returns its id; delivery happens in the background. */
  send(job: NotificationJob): string {
    const { deps } = this
    const id = randomUUID()
    const envelope = {
      id,
      create_time: rfc3339(deps.now()),
      resource_type: 'encrypt-resource',
      event_type: job.eventType,
      summary: job.summary,
      resource: {
        original_type: job.originalType,
        ...encryptResource(deps.apiV3Key, job.originalType, JSON.stringify(job.resource)),
      },
    }
    const note: Prepared = { id, eventType: job.eventType, url: job.url, body: JSON.stringify(envelope) }
    this.route(note)
    return id
  }

  deliveries(): DeliveryRecord[] {
    return [...this.records]
  }

  close(): void {
    this.abort.abort()
  }

  /** outOfOrder holds one notification until the next one has been delivered first. */
  private route(note: Prepared): void {
    const held = this.held
    if (held) {
      this.held = undefined
      void this.attempt(note, 0).finally(held.release)
      return
    }
    const hold = this.deps.faults.take('outOfOrder', 'notification')
    if (hold !== undefined) {
      let released = false
      const release = () => {
        if (released) return
        released = true
        this.start(note)
      }
      this.held = { note, release }
      this.deps.timers.later(faultNumber('outOfOrder', hold), () => {
        if (this.held?.note === note) this.held = undefined
        release()
      })
      return
    }
    this.start(note)
  }

  private start(note: Prepared): void {
    const delay = this.deps.faults.take('delayMs', 'notification')
    if (delay === undefined) void this.attempt(note, 0)
    else this.deps.timers.later(faultNumber('delayMs', delay), () => void this.attempt(note, 0))
  }

  private async attempt(note: Prepared, attempt: number): Promise<void> {
    const { faults, timers } = this.deps
    if (timers.isClosed) return
    if (attempt === 0 && faults.take('probe', 'notification') !== undefined) {
      // WeChat's 签名探测: a deliberately invalid signature; a correct receiver answers 4xx/5xx.
      const status = await this.post(note, attempt, { probe: true })
      if (typeof status === 'number' && status < 300) {
        this.deps.log.warn({ notificationId: note.id, url: note.url }, 'wechat simulator: receiver accepted a SIGNTEST probe')
      }
    }
    const copiesFault = attempt === 0 ? faults.take('duplicate', 'notification') : undefined
    const copies = copiesFault === undefined ? 1 : Math.max(1, faultNumber('duplicate', copiesFault))
    const opts = {
      badKey: faults.take('badSignature', 'notification') !== undefined,
      wrongSerial: faults.take('wrongSerial', 'notification') !== undefined,
      stale: faults.take('staleTimestamp', 'notification'),
    }
    const statuses = await Promise.all(Array.from({ length: copies }, () => this.post(note, attempt, opts)))
    if (statuses.some((s) => s === 200 || s === 204)) return
    const delayS = RETRY_DELAYS_S[attempt]
    if (delayS === undefined) {
      this.deps.log.warn({ notificationId: note.id, url: note.url }, 'wechat simulator: notification given up after 15 retries')
      return
    }
    timers.later(delayS * 1000 * this.deps.retryScale, () => void this.attempt(note, attempt + 1))
  }

  private async post(
    note: Prepared,
    attempt: number,
    opts: { probe?: boolean; badKey?: boolean; wrongSerial?: boolean; stale?: number | true | undefined },
  ): Promise<DeliveryRecord['status']> {
    const { deps } = this
    const headers = signedHeaders(note.body, {
      key: opts.badKey ? this.badKey() : deps.signKey,
      serial: deps.serial,
      nowMs: deps.now(),
      probe: opts.probe === true,
      ...(opts.wrongSerial ? { serialOverride: 'PUB_KEY_ID_0000000000000000000000000000000000' } : {}),
      ...(opts.stale !== undefined ? { skewSeconds: faultNumber('staleTimestamp', opts.stale) } : {}),
    })
    let status: DeliveryRecord['status']
    try {
      const res = await fetch(note.url, {
        method: 'POST',
        headers: {
          ...headers,
          'Content-Type': 'application/json',
          'Request-ID': requestId(),
          'User-Agent': 'Mozilla/4.0',
          Accept: '*/*',
          Pragma: 'no-cache',
        },
        body: note.body,
        signal: AbortSignal.any([AbortSignal.timeout(ANSWER_DEADLINE_MS), this.abort.signal]),
      })
      await res.arrayBuffer().catch(() => undefined)
      status = res.status
    } catch (err) {
      status = err instanceof Error && err.name === 'TimeoutError' ? 'timeout' : 'error'
    }
    const record: DeliveryRecord = { notificationId: note.id, eventType: note.eventType, url: note.url, attempt, probe: opts.probe === true, status, at: deps.now() }
    this.records.push(record)
    if (this.records.length > 500) this.records.shift()
    deps.log.info({ notificationId: note.id, eventType: note.eventType, attempt, probe: record.probe, status }, 'wechat simulator: notification delivery')
    return status
  }

  private badKey(): KeyObject {
    this.wrongKey ??= generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey
    return this.wrongKey
  }
}
