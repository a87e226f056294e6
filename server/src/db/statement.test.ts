import { PgDialect } from 'drizzle-orm/pg-core'
import { describe, expect, it } from 'vitest'
import { asSql, statement } from './statement.ts'

const lookup = (ids: string, note: string) => statement`select id from t where id = any(${ids}::int[]) and note = ${note} and id = any(${ids}::int[])`

describe('statement', () => {
  it('numbers the parameters in order and keeps their values apart from the text', () => {
    const st = lookup('{1,2}', "O'Brien; drop table t")
    expect(st.text).toBe('select id from t where id = any($1::int[]) and note = $2 and id = any($3::int[])')
    expect(st.params).toEqual(['{1,2}', "O'Brien; drop table t", '{1,2}'])
  })

  it('gives the same text at every call of one call site, whatever the values', () => {
    expect(lookup('{3}', 'a').text).toBe(lookup('{4,5,6}', 'b').text)
  })

  it('reads the same through drizzle (the embedded database runs it that way)', () => {
    const st = lookup('{7}', 'c')
    const viaDrizzle = new PgDialect().sqlToQuery(asSql(st))
    expect(viaDrizzle.sql).toBe(st.text)
    expect(viaDrizzle.params).toEqual(st.params)
  })
})
