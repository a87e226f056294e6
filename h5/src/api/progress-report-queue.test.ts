import type { ProgressAck, ProgressReportBody } from '@app/shared/learning'
import { describe, expect, it } from 'vitest'
import { ApiError } from '@/api/http.ts'
import { REPORT_MAX_AGE_MS, REPORT_STORAGE_PREFIX, type ReportStorage } from './progress-report-backlog.ts'
import { createReportQueue, type ReportQueueEvent } from './progress-report-queue.ts'

/** localStorage as a Map, shared between two queues to simulate a reload. */
function memoryStorage(): ReportStorage & { data: Map<string, string> } {
  const data = new Map<string, string>()
  return {
    data,
    get length() {
      return data.size
    },
    key: (i) => [...data.keys()][i] ?? null,
    getItem: (k) => data.get(k) ?? null,
    setItem: (k, v) => void data.set(k, v),
    removeItem: (k) => void data.delete(k),
  }
}

function report(seq: number, positionSeconds = seq * 10): ProgressReportBody {
  return { seq, positionSeconds, clientElapsedMs: seq * 10_000, playing: true }
}

function ack(seq: number): ProgressAck {
  return {
    seq,
    creditedNow: 10,
    chapter: { id: 1, resumeAtSeconds: seq * 10, creditedSeconds: seq * 10, completed: false },
    rewindTo: null,
    question: null,
    courseCompleted: false,
    planCompleted: false,
  }
}

const networkDown = () => new ApiError({ status: 0, code: 'NETWORK_ERROR', message: '网络连接失败' })

/** A controllable clock and timer list instead of real setTimeout. */
function fakeTimers() {
  const timers: Array<{ callback: () => void; ms: number; cleared: boolean }> = []
  return {
    timers,
    setTimer: (callback: () => void, ms: number) => {
      const t = { callback, ms, cleared: false }
      timers.push(t)
      return t
    },
    clearTimer: (handle: unknown) => {
      ;(handle as { cleared: boolean }).cleared = true
    },
    fireNext: () => {
      const t = timers.find((x) => !x.cleared)
      if (!t) throw new Error('no timer')
      t.cleared = true
      t.callback()
    },
  }
}

describe('createReportQueue', () => {
  it('sends reports one at a time, in sequence order, oldest session first', async () => {
    const storage = memoryStorage()
    const sent: string[] = []
    let inFlight = 0
    let clock = 1_000
    const queue = createReportQueue({
      storage,
      now: () => clock,
      send: async (sessionId, r) => {
        inFlight += 1
        expect(inFlight).toBe(1)
        await new Promise((done) => setTimeout(done, 1))
        sent.push(`${sessionId}#${r.seq}`)
        inFlight -= 1
        return ack(r.seq)
      },
    })
    queue.enqueue('old', report(1))
    queue.enqueue('old', report(2))
    clock += 5
    queue.enqueue('new', report(1))
    // Enqueued out of order (a pagehide report racing the timer): still sent by seq.
    queue.enqueue('old', report(4))
    queue.enqueue('old', report(3))
    await queue.flush()
    expect(sent).toEqual(['old#1', 'old#2', 'old#3', 'old#4', 'new#1'])
    expect(queue.pending()).toBe(0)
    expect(storage.data.size).toBe(0)
  })

  it('keeps unsent reports in storage and sends them after a reload', async () => {
    const storage = memoryStorage()
    const first = createReportQueue({ storage, send: () => Promise.reject(networkDown()), setTimer: () => 0, clearTimer: () => undefined })
    first.enqueue('s1', report(1))
    first.enqueue('s1', report(2))
    await first.flush()
    expect(first.pending('s1')).toBe(2)
    expect(JSON.parse(storage.data.get(`${REPORT_STORAGE_PREFIX}s1`) ?? '{}')).toMatchObject({ reports: [report(1), report(2)] })
    first.dispose()

    // The page reloads: a new queue over the same storage picks the reports up.
    const sent: number[] = []
    const second = createReportQueue({ storage, send: async (_s, r) => (sent.push(r.seq), ack(r.seq)) })
    expect(second.pending('s1')).toBe(2)
    await second.flush()
    expect(sent).toEqual([1, 2])
    expect(storage.data.size).toBe(0)
  })

  it('retries after a failure with backoff, and at once when the network returns', async () => {
    const storage = memoryStorage()
    const timers = fakeTimers()
    const events: ReportQueueEvent['type'][] = []
    let online = false
    const sent: number[] = []
    const queue = createReportQueue({
      storage,
      setTimer: timers.setTimer,
      clearTimer: timers.clearTimer,
      send: async (_s, r) => {
        if (!online) throw networkDown()
        sent.push(r.seq)
        return ack(r.seq)
      },
    })
    queue.subscribe((e) => events.push(e.type))
    queue.enqueue('s1', report(1))
    await queue.flush()
    expect(timers.timers.map((t) => t.ms)).toEqual([1_000])
    timers.fireNext()
    await queue.flush()
    // Backoff doubles while the network stays down.
    expect(timers.timers.map((t) => t.ms)).toEqual([1_000, 2_000])
    // New reports wait for the scheduled retry instead of hammering the server.
    queue.enqueue('s1', report(2))
    expect(queue.pending('s1')).toBe(2)

    online = true
    await queue.retryNow()
    expect(sent).toEqual([1, 2])
    expect(queue.pending()).toBe(0)
    expect(events.filter((e) => e === 'retrying')).toHaveLength(2)
    expect(events.at(-1)).toBe('drained')
  })

  it('drops a report only once the server acknowledged it', async () => {
    const storage = memoryStorage()
    const acks: number[] = []
    let answer: (value: ProgressAck) => void = () => undefined
    const queue = createReportQueue({ storage, send: (_s, r) => new Promise((done) => (answer = (a) => done({ ...a, seq: r.seq }))) })
    queue.subscribe((e) => {
      if (e.type === 'ack') acks.push(e.ack.seq)
    })
    queue.enqueue('s1', report(1))
    const flushed = queue.flush()
    // In flight but not acknowledged: still stored, so a reload now would resend it.
    expect(storage.data.has(`${REPORT_STORAGE_PREFIX}s1`)).toBe(true)
    answer(ack(1))
    await flushed
    expect(acks).toEqual([1])
    expect(storage.data.has(`${REPORT_STORAGE_PREFIX}s1`)).toBe(false)
  })

  it('drops a superseded session and moves on to the next one', async () => {
    const storage = memoryStorage()
    let clock = 0
    const rejected: Array<[string, number]> = []
    const sent: string[] = []
    const queue = createReportQueue({
      storage,
      now: () => clock,
      send: async (sessionId, r) => {
        if (sessionId === 'other-device') throw new ApiError({ status: 409, code: 'PLAYBACK_SUPERSEDED', message: '您已在其他设备播放' })
        sent.push(`${sessionId}#${r.seq}`)
        return ack(r.seq)
      },
    })
    queue.subscribe((e) => {
      if (e.type === 'rejected') rejected.push([e.sessionId, e.dropped])
    })
    queue.enqueue('other-device', report(1))
    queue.enqueue('other-device', report(2))
    clock = 1
    queue.enqueue('here', report(1))
    await queue.flush()
    expect(rejected).toEqual([['other-device', 2]])
    expect(sent).toEqual(['here#1'])
    expect(storage.data.size).toBe(0)
  })

  it('keeps reports when the sign-in session is gone, to send after signing in again', async () => {
    const storage = memoryStorage()
    const queue = createReportQueue({
      storage,
      setTimer: () => 0,
      clearTimer: () => undefined,
      send: () => Promise.reject(new ApiError({ status: 401, code: 'UNAUTHORIZED', message: '登录已失效' })),
    })
    queue.enqueue('s1', report(1))
    await queue.flush()
    expect(queue.pending('s1')).toBe(1)
  })

  it('forgets stored reports older than a day and survives corrupt storage', () => {
    const storage = memoryStorage()
    storage.setItem(`${REPORT_STORAGE_PREFIX}old`, JSON.stringify({ sessionId: 'old', createdAt: 0, reports: [report(1)] }))
    storage.setItem(`${REPORT_STORAGE_PREFIX}broken`, '{not json')
    storage.setItem('unrelated', 'kept')
    const queue = createReportQueue({ storage, now: () => REPORT_MAX_AGE_MS + 1, send: async (_s, r) => ack(r.seq) })
    expect(queue.pending()).toBe(0)
    expect([...storage.data.keys()]).toEqual(['unrelated'])
  })
})
