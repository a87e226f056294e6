import { YEARLY_HOURS_RULE as SHARED_RULE } from '@app/shared/catalogue'
import { describe, expect, it } from 'vitest'
import { YEARLY_HOURS_RULE } from './yearly-rule.ts'

describe('YEARLY_HOURS_RULE', () => {
  it('matches the shared rule the server uses', () => {
    expect(YEARLY_HOURS_RULE).toEqual(SHARED_RULE)
  })
})
