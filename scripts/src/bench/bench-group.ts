/**
 * bench:group — 团体购买 checking on PostgreSQL (GRP-2). In a fresh database holding
 * 200,000 learners (50,000 of them already enrolled in the plan), the real app (in this process,
 * driven through app.inject, so the times are server time without a network) checks:
 *   - 5,000 lines that all pass: the order for 5,000 learners is created (then cancelled, to repeat);
 *   - 5,000 lines with one failure at the end: every line checked, nothing created;
 *   - 5,000 failing lines, and their error file (.xlsx) built and downloaded.
 * Prints p50/p90 of each and the process's peak RSS (server and driver together: an upper bound).
 * Targets: check ≤ 1 s p50; error file ≤ 2 s; RSS ≤ 300 MB.
 *
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test pnpm bench:group [-- --n 7]
 */
import path from 'node:path'
import { parseArgs } from 'node:util'
import postgres from 'postgres'
import { asc } from 'drizzle-orm'
import { idNumberCheckChar } from '@app/shared'
import { createDatabase, importCatalogue, projects, SAMPLE_PERSONAL_DATA_KEYS, sealedUserColumns, usePersonalDataKeys } from '@app/server/commands'
import { bearer, PASSWORD, registerLearner } from '@app/server/testing'
import { createScratchDatabase } from './database.ts'
import { buildInProcessApp } from './in-process-app.ts'
import { percentileOf } from './load.ts'
import { REPO_ROOT } from './processes.ts'

const { values } = parseArgs({ options: { n: { type: 'string', default: '7' } } })
const N = Math.max(3, Number(values.n))
const LEARNERS = 200_000
const LINES = 5_000
const baseUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

const fmt = (ms: number) => ms.toFixed(0)

/** A distinct valid ID number for each i below 1,120,000 (区 500103, born 1960–1999). */
function idNumberFor(i: number): string {
  const seq = i % 1000
  const day = 1 + (Math.floor(i / 1000) % 28)
  const year = 1960 + (Math.floor(i / 28_000) % 40)
  const first17 = `500103${year}01${String(day).padStart(2, '0')}${String(seq).padStart(3, '0')}`
  return first17 + idNumberCheckChar(first17)
}

const wrongCheckDigit = (id: string) => `${id.slice(0, 17)}${id[17] === '0' ? '1' : '0'}`

let peakRss = 0
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss)
}, 20)

async function main() {
  const scratch = await createScratchDatabase(baseUrl, 'bench_group')
  const database = await createDatabase({ url: scratch.url, max: 10 })
  try {
    await database.migrate()
    await importCatalogue(database.db, path.join(REPO_ROOT, 'server/seed/demo/manifest.json'))
    const [project] = await database.db.select().from(projects).orderBy(asc(projects.id)).limit(1)
    if (!project) throw new Error('no project seeded')
    const sql = postgres(scratch.url, { max: 1, onnotice: () => {} })
    // 200,000 learners with distinct, valid ID numbers.
    const ids = Array.from({ length: LEARNERS }, (_, i) => idNumberFor(i))
    const t0 = performance.now()
    // Stored as the server stores them: sealed, with blind indexes (crypto/personal-data.ts).
    usePersonalDataKeys(SAMPLE_PERSONAL_DATA_KEYS)
    for (let i = 0; i < ids.length; i += 20_000) {
      const chunk = ids.slice(i, i + 20_000).map((idNumber, k) => sealedUserColumns({ idNumber, phone: `1${String(i + k + 1).padStart(10, '0')}` }))
      const list = (pick: (c: (typeof chunk)[number]) => string) => chunk.map(pick).join(',')
      await sql`insert into users (real_name, id_number_sealed, id_number_index, phone_sealed, phone_index, password_hash)
        select '学员' || (n0 + ${i}), s, x, ps, px, 'unusable'
        from unnest(string_to_array(${list((c) => c.idNumberSealed)}, ','), string_to_array(${list((c) => c.idNumberIndex)}, ','),
          string_to_array(${list((c) => c.phoneSealed)}, ','), string_to_array(${list((c) => c.phoneIndex)}, ',')) with ordinality as t(s, x, ps, px, n0)`
    }
    // 50,000 of them already own the plan (the checks have real rows to find).
    const [paid] = await sql`insert into orders (out_trade_no, buyer_user_id, kind, project_id, unit_price_fen, quantity, amount_fen, status, invoice, created_at, expires_at, paid_at)
      values ('BENCHSEED', 1, 'group', ${project.id}, ${project.priceFen}, 50000, ${project.priceFen * 50000}, 'paid', '{"choice":"later"}', now(), now(), now()) returning id`
    await sql`insert into order_items (order_id, learner_user_id, project_id) select ${paid!.id}, id, ${project.id} from users where id > ${LEARNERS - 50_000}`
    await sql`insert into enrollments (user_id, project_id, order_id, status, created_at) select id, ${project.id}, ${paid!.id}, 'active', now() from users where id > ${LEARNERS - 50_000}`
    await sql`analyze`
    console.log(`seeded ${LEARNERS} learners (50,000 enrolled) in ${fmt(performance.now() - t0)} ms`)

    // One buyer submits every list of the run: a quota far above the day's (30,000 ID numbers).
    const app = await buildInProcessApp(database, { groupCheckDailyIds: 10_000_000 })
    // The buyer registers as any learner does.
    const { accessToken } = await registerLearner(app, { phone: '13900000001', realName: '单位专人', idNumber: '11010519491231002X' })
    const headers = bearer(accessToken)
    const submit = (text: string) => app.inject({ method: 'POST', url: '/api/group-orders', headers, payload: { projectId: project.id, text } })

    // Learners spread over the table (none enrolled): as pasted from a unit's sheet, some with stray spaces.
    const free = ids.slice(0, LEARNERS - 50_000)
    const pick = (offset: number) => Array.from({ length: LINES }, (_, k) => free[(offset + k * 29) % free.length] as string)
    const allPass = pick(1).map((id, k) => (k % 10 === 0 ? ` ${id.toLowerCase()}\t` : id)).join('\r\n')
    const oneFails = [...pick(2).slice(0, LINES - 1), idNumberFor(1_000_000)].join('\n')
    const allFail = Array.from({ length: LINES }, (_, k) => (k % 2 ? wrongCheckDigit(idNumberFor(k)) : `5001031980010${k}`)).join('\n')

    for (let i = 0; i < 2; i++) await submit(oneFails) // warm-up (JIT, prepared statements)
    const created: number[] = []
    const rejected: number[] = []
    const failing: number[] = []
    const files: number[] = []
    for (let i = 0; i < N; i++) {
      let a = performance.now()
      const ok = await submit(allPass)
      created.push(performance.now() - a)
      const body = ok.json() as { outcome: string; order?: { id: number } }
      if (body.outcome !== 'created' || !body.order) throw new Error(`expected an order: ${ok.body.slice(0, 300)}`)
      const cancelled = await app.inject({ method: 'POST', url: `/api/orders/${body.order.id}/cancel`, headers })
      if (cancelled.statusCode !== 200) throw new Error(`cancel ${cancelled.statusCode}`)

      a = performance.now()
      const no = await submit(oneFails)
      rejected.push(performance.now() - a)
      if ((no.json() as { failed: number }).failed !== 1) throw new Error('expected exactly one failure')

      a = performance.now()
      const bad = await submit(allFail)
      failing.push(performance.now() - a)
      const { errorFileUrl, failed } = bad.json() as { errorFileUrl: string; failed: number }
      if (failed !== LINES) throw new Error(`expected ${LINES} failures, got ${failed}`)
      a = performance.now()
      const file = await app.inject({ method: 'GET', url: errorFileUrl })
      files.push(performance.now() - a)
      if (file.statusCode !== 200 || file.rawPayload.length < 10_000) throw new Error(`error file ${file.statusCode}`)
    }
    const line = (label: string, samples: number[], target: string) =>
      console.log(`${label}: p50 ${fmt(percentileOf(samples, 50))} ms, p90 ${fmt(percentileOf(samples, 90))} ms over ${samples.length} runs [target ${target}]`)
    line('check 5,000 lines, all pass, order created', created, '≤ 1000 ms p50')
    line('check 5,000 lines, one fails, nothing created', rejected, '≤ 1000 ms p50')
    line('check 5,000 failing lines', failing, '≤ 1000 ms p50')
    line('error file for 5,000 failing lines (.xlsx)', files, '≤ 2000 ms')
    // 登录 against the same 200,000 accounts, by ID number and by phone (scrypt dominates; the
    // look-up is what personal-data encryption could change).
    const signIns = { idNumber: [] as number[], phone: [] as number[] }
    for (const [kind, account] of [['idNumber', '11010519491231002X'], ['phone', '13900000001']] as const) {
      for (let i = 0; i < N + 1; i++) {
        const a = performance.now()
        const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { account, password: PASSWORD }, remoteAddress: '10.9.9.9' })
        if (res.statusCode !== 200) throw new Error(`sign-in ${res.statusCode}`)
        if (i > 0) signIns[kind].push(performance.now() - a) // the first is warm-up
      }
    }
    line('sign-in by ID number (200,000 accounts)', signIns.idNumber, 'no target; scrypt dominates')
    line('sign-in by phone (200,000 accounts)', signIns.phone, 'no target; scrypt dominates')
    console.log(`peak RSS (server and bench driver in one process): ${(peakRss / 1024 / 1024).toFixed(0)} MB [target ≤ 300 MB]`)
    await app.close()
    await sql.end({ timeout: 5 })
  } finally {
    clearInterval(sampler)
    await database.close()
    await scratch.drop()
  }
}

await main()
