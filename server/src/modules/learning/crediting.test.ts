import { describe, expect, it } from 'vitest'
import { decideCredit, type CreditState } from './crediting.ts'

const base: CreditState = { furthestMs: 0, durationMs: 60_000, lastClientMs: 0, sessionCreditedMs: 0, serverElapsedMs: 10_000 }

describe('decideCredit', () => {
  it('credits ten seconds of real-time playback', () => {
    expect(decideCredit(base, { positionMs: 10_000, clientElapsedMs: 10_000 })).toMatchObject({ kind: 'credit', creditMs: 10_000, rewindToMs: null })
  })

  it('tolerates a little jitter but gives nothing for 1.25× or faster playback', () => {
    expect(decideCredit(base, { positionMs: 10_800, clientElapsedMs: 10_000 }).kind).toBe('credit')
    expect(decideCredit(base, { positionMs: 12_500, clientElapsedMs: 10_000 })).toMatchObject({ kind: 'none', reason: 'too_fast', rewindToMs: 0 })
    expect(decideCredit({ ...base, serverElapsedMs: 10_000 }, { positionMs: 40_000, clientElapsedMs: 10_000 }).kind).toBe('none')
  })

  it('gives nothing for a seek to the end and sends the player back to the furthest point', () => {
    const state = { ...base, furthestMs: 20_000, lastClientMs: 20_000, serverElapsedMs: 30_000 }
    expect(decideCredit(state, { positionMs: 60_000, clientElapsedMs: 30_000 })).toMatchObject({ kind: 'none', rewindToMs: 20_000 })
  })

  it('does not believe a page clock that runs ahead of the server', () => {
    // The page claims an hour passed; the server saw ten seconds.
    const decision = decideCredit(base, { positionMs: 59_000, clientElapsedMs: 3_600_000 })
    expect(decision.kind).toBe('none')
  })

  it('never credits more than the wall-clock time of the session', () => {
    const state = { ...base, sessionCreditedMs: 10_000, furthestMs: 10_000, lastClientMs: 10_000, serverElapsedMs: 12_000 }
    const decision = decideCredit(state, { positionMs: 20_000, clientElapsedMs: 15_000 })
    expect(decision.kind).toBe('none')
  })

  it('earns nothing twice: positions before the furthest point are rewatching', () => {
    const state = { ...base, furthestMs: 30_000, lastClientMs: 30_000, serverElapsedMs: 40_000 }
    expect(decideCredit(state, { positionMs: 25_000, clientElapsedMs: 40_000 })).toMatchObject({ kind: 'none', reason: 'rewatch' })
  })

  it('credits reports resent after a short outage, but not time banked longer than the backlog', () => {
    const state = { ...base, furthestMs: 10_000, lastClientMs: 10_000, sessionCreditedMs: 10_000, serverElapsedMs: 45_000 }
    expect(decideCredit(state, { positionMs: 20_000, clientElapsedMs: 20_000 })).toMatchObject({ kind: 'credit', creditMs: 10_000 })
    const banked = { ...state, serverElapsedMs: 20 * 60_000 }
    expect(decideCredit(banked, { positionMs: 20_000, clientElapsedMs: 20_000 })).toMatchObject({ kind: 'none', reason: 'stale' })
  })

  it('stops at the end of the video', () => {
    const state = { ...base, furthestMs: 55_000, lastClientMs: 55_000, sessionCreditedMs: 55_000, serverElapsedMs: 65_000 }
    expect(decideCredit(state, { positionMs: 65_000, clientElapsedMs: 65_000 })).toMatchObject({ kind: 'credit', creditMs: 5_000 })
  })
})
