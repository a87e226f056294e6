import { describe, expect, it } from 'vitest'
import { describeError, stripQueryValues } from './logger.ts'

/** The shape drizzle (DrizzleQueryError) and postgres.js (PostgresError) give a failed query. */
function failedQuery() {
  const cause = Object.assign(new Error('invalid input syntax for type integer: "13800001234"'), {
    name: 'PostgresError',
    code: '22P02',
    severity: 'ERROR',
    routine: 'pg_strtoint32_safe',
    detail: 'Key (phone)=(13800001234) already exists.',
    parameters: ['13800001234', '500103198506101234'],
    query: 'select * from users where phone = $1',
  })
  return Object.assign(new Error('Failed query: select * from users where phone = $1\nparams: 13800001234,500103198506101234'), {
    name: 'DrizzleQueryError',
    query: 'select * from users where phone = $1',
    params: ['13800001234', '500103198506101234'],
    cause,
  })
}

describe('describeError', () => {
  it('keeps the SQL, SQLSTATE and routine of a failed query but none of its parameters', () => {
    const described = describeError(failedQuery())
    const text = JSON.stringify(described)
    expect(text).not.toContain('13800001234')
    expect(text).not.toContain('500103198506101234')
    expect(described.message).toBe('Failed query: select * from users where phone = $1')
    expect(described.cause).toMatchObject({ code: '22P02', routine: 'pg_strtoint32_safe', message: 'invalid input syntax for type integer: [value]' })
  })
})

describe('stripQueryValues', () => {
  it('keeps the keys of a query string and drops the values', () => {
    expect(stripQueryValues('/api/dev/sms-outbox?phone=13800001234&x=1')).toBe('/api/dev/sms-outbox?phone=&x=')
  })
})
