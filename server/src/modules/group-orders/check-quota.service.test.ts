import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestApp } from '../../../test/app.ts'
import { bearer, registerLearner, type Registered } from '../../../test/auth-helpers.ts'
import { buildTestAppWithProject } from '../../../test/catalogue-helpers.ts'
import { groupIdNumber } from '../../../test/group-helpers.ts'

// The 团体购买 check tells a buyer which ID numbers have an account, so it is metered (see
// check-quota.service.ts). A quota of 10 a day per buyer (30 per address) keeps the lists short.

let t: TestApp
let projectId: number
beforeAll(async () => {
  ({ t, projectId } = await buildTestAppWithProject({ config: { groupCheckDailyIds: 10 } }))
})
afterAll(async () => t.close())

const idNumbers = (n: number) => Array.from({ length: n }, () => groupIdNumber()).join('\n')
const submit = (buyer: Registered, text: string, remoteAddress = '127.0.0.1') =>
  t.app.inject({ method: 'POST', url: '/api/group-orders', headers: bearer(buyer.accessToken), payload: { projectId, text }, remoteAddress })

describe('the daily quota of ID numbers a 团体购买 check may look up', () => {
  it('counts each well-formed ID number, not other lines, and then answers 429 with the wait in Chinese', async () => {
    const buyer = await registerLearner(t.app)
    // 6 unregistered numbers and 3 lines that are no ID number: 6 of 10 spent.
    const first = await submit(buyer, `${idNumbers(6)}\nabc\n123\n5001121970010100`, '10.60.0.1')
    expect(first.statusCode).toBe(200)
    expect(first.json()).toMatchObject({ outcome: 'rejected', total: 9, failed: 9 })
    expect((await submit(buyer, idNumbers(4), '10.60.0.1')).statusCode).toBe(200)

    const refused = await submit(buyer, idNumbers(1), '10.60.0.1')
    expect(refused.statusCode).toBe(429)
    expect(refused.json()).toMatchObject({ code: 'GROUP_CHECKS_THROTTLED' })
    expect(refused.json().message).toBe('今日核验的身份证号码已达上限（每个账号每天10个），请24小时后再试；如需为更多学员购买，请联系客服')
    expect(refused.json().retryAfterSeconds).toBeGreaterThan(23 * 3600)
    expect(Number(refused.headers['retry-after'])).toBe(refused.json().retryAfterSeconds)
    // A list without a single ID number looks nothing up and is still answered.
    expect((await submit(buyer, 'abc', '10.60.0.1')).json()).toMatchObject({ outcome: 'rejected', failed: 1 })
  })

  it('lets no parallel list past the quota: of six lists of 3 sent at once, exactly three are checked', async () => {
    const buyer = await registerLearner(t.app)
    const answers = await Promise.all(Array.from({ length: 6 }, () => submit(buyer, idNumbers(3), '10.60.0.2')))
    const statuses = answers.map((a) => a.statusCode).sort()
    expect(statuses).toEqual([200, 200, 200, 429, 429, 429])
  })

  it('also limits one address across buyers, so a second account does not reset the count', async () => {
    const buyers = await Promise.all(Array.from({ length: 4 }, () => registerLearner(t.app)))
    const statuses = []
    for (const buyer of buyers) statuses.push((await submit(buyer, idNumbers(10), '10.60.0.3')).statusCode)
    expect(statuses).toEqual([200, 200, 200, 429])
    // Another address is not held up by that one.
    const elsewhere = await registerLearner(t.app)
    expect((await submit(elsewhere, idNumbers(10), '10.60.0.4')).statusCode).toBe(200)
  })
})
