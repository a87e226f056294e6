import { randomBytes } from 'node:crypto'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../test/app.ts'
import { bearer, newIdNumber, newPhone, PASSWORD, registerLearner, sendCode, type Registered } from '../../test/auth-helpers.ts'
import { completePlan, enrolledLearner, publicPlan } from '../../test/learning-helpers.ts'
import { SAMPLE_PERSONAL_DATA_KEYS } from '../app/app.config.ts'
import { rowsOf } from '../db/pipelined-transaction.ts'
import { blindIndex, open, seal, usePersonalDataKeys, type PersonalDataKeyring } from './personal-data.ts'
import { countPendingPersonalData, sealPersonalData } from './personal-data.rotation.ts'

const keyring = (current: string, kids: string[], blindIndexKey = SAMPLE_PERSONAL_DATA_KEYS.blindIndexKey): PersonalDataKeyring => ({
  current,
  keys: new Map(kids.map((kid) => [kid, kidKeys.get(kid) as Buffer])),
  blindIndexKey,
  sample: false,
})
const kidKeys = new Map(['k1', 'k2', 'other'].map((kid) => [kid, randomBytes(32)]))

describe('sealing and blind indexes', () => {
  it('opens what it sealed, names the key, and refuses tampering, another field and an unknown key', () => {
    usePersonalDataKeys(keyring('k1', ['k1']))
    const sealed = seal('id_number', '11010519491231002X')
    expect(sealed.startsWith('v1:k1:')).toBe(true)
    expect(sealed).not.toContain('11010519491231002X')
    expect(open('id_number', sealed)).toBe('11010519491231002X')
    expect(seal('id_number', '11010519491231002X')).not.toBe(sealed) // a fresh IV every time
    const parts = sealed.split(':')
    parts[3] = `${parts[3]?.[0] === 'A' ? 'B' : 'A'}${parts[3]?.slice(1)}`
    expect(() => open('id_number', parts.join(':'))).toThrow()
    expect(() => open('phone', sealed)).toThrow()
    // A dump restored without the key: another keyring opens nothing.
    usePersonalDataKeys(keyring('other', ['other']))
    expect(() => open('id_number', sealed)).toThrow(/not configured/)
  })

  it('indexes equal values equally after normalising, and depends on the key', () => {
    usePersonalDataKeys(keyring('k1', ['k1']))
    expect(blindIndex('id_number', ' 11010519491231002x')).toBe(blindIndex('id_number', '11010519491231002X'))
    expect(blindIndex('phone', '139-0000 0001')).toBe(blindIndex('phone', '13900000001'))
    expect(blindIndex('phone', '13900000001')).not.toBe(blindIndex('id_number', '13900000001'))
    const withSample = blindIndex('phone', '13900000001')
    usePersonalDataKeys(keyring('k1', ['k1'], randomBytes(32)))
    expect(blindIndex('phone', '13900000001')).not.toBe(withSample)
  })
})

/** Every value of every column of every table, as text (what a dump would show), with where it is. */
async function findInDatabase(t: TestApp, needles: string[]): Promise<string[]> {
  const tables = rowsOf(
    await t.database.db.execute(sql`select table_schema as s, table_name as t from information_schema.tables
      where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')`),
  ) as Array<{ s: string; t: string }>
  const hits: string[] = []
  for (const { s, t: table } of tables) {
    const columns = rowsOf(
      await t.database.db.execute(sql`select column_name as c from information_schema.columns where table_schema = ${s} and table_name = ${table}`),
    ) as Array<{ c: string }>
    for (const { c } of columns) {
      for (const needle of needles) {
        const found = rowsOf(
          await t.database.db.execute(sql`select count(*)::int as n from ${sql.identifier(s)}.${sql.identifier(table)} where ${sql.identifier(c)}::text like ${`%${needle}%`}`),
        ) as Array<{ n: number }>
        if (Number(found[0]?.n) > 0) hits.push(`${s}.${table}.${c}`)
      }
    }
  }
  return hits
}

/** The whole database as a dump's text: every row of every table rendered as text, joined. */
async function dumpText(t: TestApp): Promise<string> {
  const tables = rowsOf(
    await t.database.db.execute(sql`select table_schema as s, table_name as t from information_schema.tables
      where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')`),
  ) as Array<{ s: string; t: string }>
  let text = ''
  for (const { s, t: table } of tables) {
    const rows = rowsOf(await t.database.db.execute(sql`select r::text as line from ${sql.identifier(s)}.${sql.identifier(table)} r`)) as Array<{ line: string }>
    text += `\n-- ${s}.${table}\n${rows.map((r) => r.line).join('\n')}`
  }
  return text
}

describe('no ID number or phone is readable in the database (ACC-7, security.md)', () => {
  let t: TestApp
  let learner: Registered
  beforeAll(async () => {
    t = await buildTestApp()
  })
  afterAll(async () => {
    await t.close()
  })

  it('after 注册, sign-in, 忘记密码, a certificate and a failed 团体购买 list, no column and no dumped row holds them', async () => {
    const { projectId } = await publicPlan(t)
    learner = await enrolledLearner(t, projectId)
    await completePlan(t, learner, projectId)
    const headers = bearer(learner.accessToken)
    const issued = await t.app.inject({
      method: 'POST',
      url: '/api/certificates',
      headers,
      payload: { projectId, confirmName: learner.realName, confirmIdNumber: learner.idNumber, organisation: { districtCode: '500103' } },
    })
    expect(issued.statusCode).toBe(201)
    expect(issued.json().idNumber).toBe(learner.idNumber) // the owner still sees the number whole
    for (const account of [learner.idNumber, learner.phone]) {
      expect((await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { account, password: PASSWORD } })).statusCode).toBe(200)
    }
    expect((await sendCode(t.app, learner.phone, 'reset_password', '10.27.0.1')).statusCode).toBe(200)
    // The learner's own ID number on a list fails (已购买) and is kept for the error file.
    const group = await t.app.inject({ method: 'POST', url: '/api/group-orders', headers, payload: { projectId, text: learner.idNumber } })
    expect(group.json()).toMatchObject({ outcome: 'rejected', failed: 1 })
    const errorFile = await t.app.inject({ method: 'GET', url: group.json().errorFileUrl as string })
    expect(errorFile.statusCode).toBe(200)

    // What the learner sees is masked as before.
    const me = (await t.app.inject({ method: 'GET', url: '/api/me', headers })).json()
    expect(me.idNumberMasked).not.toContain(learner.idNumber.slice(6, 14))
    expect(me.phoneMasked).not.toBe(learner.phone)

    expect(await findInDatabase(t, [learner.idNumber, learner.phone])).toEqual([])
    const dump = await dumpText(t)
    expect(dump).toContain('-- public.users')
    expect(dump).toContain('-- public.certificates')
    expect(dump).not.toContain(learner.idNumber)
    expect(dump).not.toContain(learner.phone)
  }, 300_000)
})

describe('data migration and key rotation (rotate-data-key)', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await buildTestApp({ seed: false })
  })
  afterAll(async () => {
    await t.close()
    usePersonalDataKeys(SAMPLE_PERSONAL_DATA_KEYS)
  })

  const signIn = (account: string) => t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { account, password: PASSWORD }, remoteAddress: '10.27.1.1' })

  it('seals rows written in clear, moves every value to the new key in batches, and a run stopped midway loses nothing', async () => {
    usePersonalDataKeys(keyring('k1', ['k1']))
    const sealedLearners = [await registerLearner(t.app), await registerLearner(t.app)]
    // Accounts as the previous release wrote them: plain columns only (their password is PASSWORD too).
    const [template] = rowsOf(await t.database.db.execute(sql`select password_hash as h from users where id = ${sealedLearners[0]?.userId}`)) as Array<{ h: string }>
    const legacy = Array.from({ length: 3 }, () => ({ idNumber: newIdNumber(), phone: newPhone() }))
    for (const person of legacy) {
      await t.database.db.execute(sql`insert into users (real_name, id_number, phone, password_hash) values ('旧账号', ${person.idNumber}, ${person.phone}, ${template?.h})`)
    }
    await t.database.db.execute(sql`insert into sms_codes (phone, purpose, code_hash, client_key, expires_at) values (${legacy[0]?.phone}, 'register', 'x', 'y', now())`)
    // Before the migration, plain rows sign in too (read through their plain columns).
    expect((await signIn(legacy[0]!.idNumber)).statusCode).toBe(200)

    // Rotate: k2 becomes current, k1 stays readable.
    usePersonalDataKeys(keyring('k2', ['k1', 'k2']))
    const before = await countPendingPersonalData(t.database.db)
    expect(before['users.id_number']).toBe(5) // 3 plain + 2 on k1
    expect(before['sms_codes.phone']).toBe(1)

    // Killed after two batches of two rows: some rows moved, the rest untouched, everyone still signs in.
    const progress: string[] = []
    expect(await sealPersonalData(t.database.db, { batchSize: 2, maxBatches: 2, onProgress: (p) => progress.push(`${p.field} ${p.done}/${p.total}`) })).toBe(false)
    expect(progress).toEqual(['users.id_number 2/5', 'users.id_number 4/5'])
    expect((await countPendingPersonalData(t.database.db))['users.id_number']).toBe(1)
    for (const person of [...legacy, ...sealedLearners]) {
      expect((await signIn(person.idNumber)).statusCode).toBe(200)
      expect((await signIn(person.phone)).statusCode).toBe(200)
    }

    // Run again: it carries on from what is left and finishes.
    expect(await sealPersonalData(t.database.db, { batchSize: 2 })).toBe(true)
    expect(Object.values(await countPendingPersonalData(t.database.db)).every((n) => n === 0)).toBe(true)
    const rows = rowsOf(await t.database.db.execute(sql`select id_number, phone, id_number_sealed as s, phone_sealed as p from users`)) as Array<Record<string, string | null>>
    expect(rows).toHaveLength(5)
    for (const row of rows) {
      expect(row.id_number).toBeNull()
      expect(row.phone).toBeNull()
      expect(row.s?.startsWith('v1:k2:')).toBe(true)
      expect(row.p?.startsWith('v1:k2:')).toBe(true)
    }

    // The old key can go: everything opens with k2 alone, and nothing was lost.
    usePersonalDataKeys(keyring('k2', ['k2']))
    for (const person of [...legacy, ...sealedLearners]) {
      expect((await signIn(person.idNumber)).statusCode).toBe(200)
      const me = (await t.app.inject({ method: 'GET', url: '/api/me', headers: bearer((await signIn(person.phone)).json().accessToken) })).json()
      expect(me.phoneMasked).toBe(`${person.phone.slice(0, 3)}****${person.phone.slice(7)}`)
    }
    // The legacy code row is now found by its index: a new code for that phone within the minute is refused.
    expect((await sendCode(t.app, legacy[0]!.phone, 'register', '10.27.2.1')).statusCode).toBe(429)
  }, 300_000)

  it('re-seals staff authenticator secrets too, so retiring the old key leaves the console sign-in working', async () => {
    usePersonalDataKeys(keyring('k1', ['k1']))
    const secret = 'JBSWY3DPEHPK3PXP'
    await t.database.db.execute(sql`insert into staff_users (username, password_hash, role, totp_secret_sealed, totp_pending_sealed) values ('rotate.staff', 'x', 'operator', ${seal('staff_totp', secret)}, ${seal('staff_totp', 'PENDINGSECRET234')})`)
    usePersonalDataKeys(keyring('k2', ['k1', 'k2']))
    expect((await countPendingPersonalData(t.database.db))['staff_users.totp_secret_sealed']).toBe(1)
    expect(await sealPersonalData(t.database.db)).toBe(true)
    usePersonalDataKeys(keyring('k2', ['k2']))
    const [row] = rowsOf(await t.database.db.execute(sql`select totp_secret_sealed as s, totp_pending_sealed as p from staff_users where username = 'rotate.staff'`)) as Array<{ s: string; p: string }>
    expect(row?.s.startsWith('v1:k2:')).toBe(true)
    expect(open('staff_totp', row!.s)).toBe(secret)
    expect(open('staff_totp', row!.p)).toBe('PENDINGSECRET234')
  }, 120_000)
})
