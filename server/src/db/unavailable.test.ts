import { describe, expect, it } from 'vitest'
import { isDatabaseUnavailable } from './unavailable.ts'

// What the error handler answers 503 (the page says 服务暂时繁忙 and the learner retries) rather than 500.
describe('a database that cannot be reached right now', () => {
  const wrapped = (code: string) => new Error('query failed', { cause: Object.assign(new Error('driver'), { code }) })

  it('is a refused, timed-out or dropped connection, a restart, or every connection slot taken, through drizzle’s wrapping', () => {
    for (const code of ['ECONNREFUSED', 'CONNECT_TIMEOUT', 'CONNECTION_CLOSED', '57P01', '57P03', '08006', '53300']) {
      expect(isDatabaseUnavailable(wrapped(code)), code).toBe(true)
    }
  })

  it('is not a query the database refused (a unique violation, bad input, a deadlock)', () => {
    for (const code of ['23505', '22P02', '40P01', '53100', '42P01']) expect(isDatabaseUnavailable(wrapped(code)), code).toBe(false)
    expect(isDatabaseUnavailable(new Error('plain'))).toBe(false)
    expect(isDatabaseUnavailable(undefined)).toBe(false)
  })
})
