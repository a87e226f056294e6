import { describe, expect, it } from 'vitest'
import { isUniqueViolation, uniqueViolationConstraint } from './db-errors.ts'

describe('unique violations', () => {
  // drizzle wraps the driver's error in `cause`; postgres.js names the constraint constraint_name, PGlite constraint.
  const postgresJs = new Error('insert failed', { cause: { code: '23505', constraint_name: 'users_phone_index_unique' } })
  const pglite = new Error('insert failed', { cause: new Error('wrapped', { cause: { code: '23505', constraint: 'certificates_one_per_project' } }) })

  it('are found through the wrapping with the constraint they name, from either driver', () => {
    expect(uniqueViolationConstraint(postgresJs)).toBe('users_phone_index_unique')
    expect(uniqueViolationConstraint(pglite)).toBe('certificates_one_per_project')
    expect(isUniqueViolation(postgresJs)).toBe(true)
    expect(isUniqueViolation(pglite, 'certificates_one_per_project')).toBe(true)
    expect(isUniqueViolation(pglite, 'certificates_number_unique')).toBe(false)
    expect(isUniqueViolation(postgresJs, new Set(['users_phone_index_unique']))).toBe(true)
  })

  it('are not confused with other errors', () => {
    const foreignKey = new Error('insert failed', { cause: { code: '23503', constraint_name: 'orders_user_fk' } })
    expect(uniqueViolationConstraint(foreignKey)).toBeNull()
    expect(isUniqueViolation(foreignKey)).toBe(false)
    expect(isUniqueViolation(null)).toBe(false)
    expect(isUniqueViolation(undefined, 'x')).toBe(false)
  })
})
