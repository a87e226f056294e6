/**
 * bench:staff-search — the staff console's 学员 search (管理后台, docs/staff.md) on PostgreSQL. In a
 * fresh database holding 200,000 learners (`--learners` for more), stored as the server stores them
 * (ID numbers and phones sealed, with blind indexes; names drawn from 4,000 common names, so one
 * name is shared by about 50 learners; a quarter with a 单位 from a registration sheet), the real
 * app in this process (driven through app.inject: server time, no network) answers
 *   GET /api/staff/learners?by=id_number|phone|name[&unit=…]
 * for random learners. Prints p50/p99 per query kind, the PostgreSQL plan of each query, and the
 * console's first-load weight (h5/dist/staff, when built). Target: well under a second (p99 < 1 s); the
 * statements themselves take well under a millisecond (their plans are printed).
 *
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test pnpm bench:staff-search [-- --learners 200000 --n 200]
 */
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import postgres from 'postgres'
import { idNumberCheckChar } from '@app/shared'
import { blindIndex, createDatabase, importCatalogue, SAMPLE_PERSONAL_DATA_KEYS, saveStaffUser, sealedUserColumns, totpCode, usePersonalDataKeys } from '@app/server/commands'
import { createScratchDatabase } from './database.ts'
import { buildInProcessApp } from './in-process-app.ts'
import { percentileOf } from './load.ts'
import { REPO_ROOT } from './processes.ts'

const { values } = parseArgs({ options: { learners: { type: 'string', default: '200000' }, n: { type: 'string', default: '200' } } })
const LEARNERS = Math.max(10_000, Number(values.learners))
const N = Math.max(20, Number(values.n))
const baseUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤'
const GIVEN = '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕彬鹏辉建国志强海燕雪梅晓东文斌'
const UNITS = ['重庆市渝中区人民医院', '重庆市江北区第一中学', '重庆市沙坪坝区教育委员会', '重庆市九龙坡区建设工程质量监督站', '重庆市南岸区疾病预防控制中心']

/** A distinct valid ID number for each i below 2,240,000 (区 500103, born 1940–1999). */
function idNumberFor(i: number): string {
  const seq = i % 1000
  const day = 1 + (Math.floor(i / 1000) % 28)
  const year = 1940 + (Math.floor(i / 28_000) % 60)
  const month = 1 + (Math.floor(i / 1_680_000) % 12)
  const first17 = `500103${year}${String(month).padStart(2, '0')}${String(day).padStart(2, '0')}${String(seq).padStart(3, '0')}`
  return first17 + idNumberCheckChar(first17)
}
const phoneFor = (i: number) => `13${String(100_000_000 + i).slice(-9)}`
function nameFor(i: number): string {
  const k = i % 4000
  return `${SURNAMES[k % SURNAMES.length]}${GIVEN[Math.floor(k / SURNAMES.length) % GIVEN.length]}${k >= 2000 ? GIVEN[k % GIVEN.length] : ''}`
}

async function main() {
  const scratch = await createScratchDatabase(baseUrl, 'bench_staff_search')
  const database = await createDatabase({ url: scratch.url, max: 10 })
  const sql = postgres(scratch.url, { max: 1, onnotice: () => {} })
  try {
    await database.migrate()
    await importCatalogue(database.db, path.join(REPO_ROOT, 'server/seed/demo/manifest.json'))
    usePersonalDataKeys(SAMPLE_PERSONAL_DATA_KEYS)
    const t0 = performance.now()
    for (let i = 0; i < LEARNERS; i += 20_000) {
      const count = Math.min(20_000, LEARNERS - i)
      const chunk = Array.from({ length: count }, (_, k) => sealedUserColumns({ idNumber: idNumberFor(i + k), phone: phoneFor(i + k) }))
      const names = Array.from({ length: count }, (_, k) => nameFor(i + k))
      const list = (items: string[]) => items.join(',')
      // Multi-row insert from arrays (sealed values hold no commas): the same stored form as 注册.
      await sql`insert into users (real_name, id_number_sealed, id_number_index, phone_sealed, phone_index, password_hash)
        select n, s, x, ps, px, 'unusable'
        from unnest(string_to_array(${list(names)}, ','), string_to_array(${list(chunk.map((c) => c.idNumberSealed))}, ','),
          string_to_array(${list(chunk.map((c) => c.idNumberIndex))}, ','), string_to_array(${list(chunk.map((c) => c.phoneSealed))}, ','),
          string_to_array(${list(chunk.map((c) => c.phoneIndex))}, ',')) as t(n, s, x, ps, px)`
    }
    // A quarter came from units' registration sheets (the 单位 a name search can narrow by).
    const [run] = await sql<{ id: number }[]>`insert into bulk_registrations (staff, source, file_name, file_sha256, rows, created, existed, invalid, sms_failed)
      values ('bench', 'cli', 'bench.xlsx', 'bench', 0, 0, 0, 0, 0) returning id`
    await sql`insert into bulk_registered_users (user_id, bulk_registration_id, unit_name, sms_sent)
      select id, ${run!.id}, (${UNITS}::text[])[1 + id % ${UNITS.length}], true from users where id % 4 = 0`
    await sql`analyze`
    console.log(`seeded ${LEARNERS.toLocaleString('en')} learners in ${(performance.now() - t0).toFixed(0)} ms`)

    const app = await buildInProcessApp(database)
    const username = 'bench.kefu'
    await saveStaffUser(database.db, { username, password: 'bench-Password-2026', role: 'operator', resetExisting: false })
    const first = await app.inject({ method: 'POST', url: '/api/staff/session', payload: { username, password: 'bench-Password-2026' } })
    const secret = (first.json() as { secret: string }).secret
    const signedIn = await app.inject({ method: 'POST', url: '/api/staff/session', payload: { username, password: 'bench-Password-2026', totpCode: totpCode(secret, new Date()) } })
    if (signedIn.statusCode !== 201) throw new Error(`staff sign-in ${signedIn.statusCode} ${signedIn.body}`)
    const headers = { authorization: `Bearer ${(signedIn.json() as { token: string }).token}` }

    const pick = (k: number) => (k * 7919) % LEARNERS
    const kinds: [string, (i: number) => string][] = [
      ['ID number (blind index)', (i) => `by=id_number&q=${idNumberFor(i)}`],
      ['phone (blind index)', (i) => `by=phone&q=${phoneFor(i)}`],
      ['name (about 50 share it)', (i) => `by=name&q=${encodeURIComponent(nameFor(i))}`],
      ['name + 单位', (i) => `by=name&q=${encodeURIComponent(nameFor(i))}&unit=${encodeURIComponent('人民医院')}`],
    ]
    for (const [label, query] of kinds) {
      const samples: number[] = []
      for (let k = 0; k < N + 10; k++) {
        const started = performance.now()
        const res = await app.inject({ method: 'GET', url: `/api/staff/learners?${query(pick(k))}&pageSize=20`, headers })
        const took = performance.now() - started
        if (res.statusCode !== 200) throw new Error(`${label}: ${res.statusCode} ${res.body.slice(0, 200)}`)
        const total = (res.json() as { total: number }).total
        if (!label.includes('单位') && total < 1) throw new Error(`${label}: nothing found`)
        if (k >= 10) samples.push(took) // the first ten warm up (JIT, prepared statements, cache)
      }
      console.log(`${label.padEnd(26)} p50 ${percentileOf(samples, 50).toFixed(1)} ms, p99 ${percentileOf(samples, 99).toFixed(1)} ms over ${samples.length} searches [target p99 < 1000 ms]`)
    }

    // The plans of the statements the search runs (learner-search.repository.ts, learners.repository.ts).
    const i = pick(3)
    const plans: [string, string, unknown[]][] = [
      ['ID number', 'select * from users where (id_number_index = $1 or id_number = $2) order by id limit 20', [blindIndex('id_number', idNumberFor(i)), idNumberFor(i)]],
      ['phone', 'select * from users where (phone_index = $1 or phone = $2) order by id limit 20', [blindIndex('phone', phoneFor(i)), phoneFor(i)]],
      ['name', 'select * from users where real_name = $1 order by id limit 20', [nameFor(i)]],
      ['name count', 'select count(*) from users where real_name = $1', [nameFor(i)]],
      [
        'name + 单位',
        `select * from users where real_name = $1 and (exists (select 1 from bulk_registered_users b where b.user_id = users.id and b.unit_name ilike $2)
          or exists (select 1 from certificates c where c.user_id = users.id and c.organisation_name ilike $2)) order by id limit 20`,
        [nameFor(i), '%人民医院%'],
      ],
    ]
    for (const [label, statement, params] of plans) {
      const rows = await sql.unsafe<{ 'QUERY PLAN': string }[]>(`explain (analyze, costs off, timing on) ${statement}`, params as never[])
      console.log(`\nplan: ${label}\n${rows.map((r) => `  ${r['QUERY PLAN']}`).join('\n')}`)
    }

    const staffIndex = path.join(REPO_ROOT, 'h5/dist/staff/index.html')
    if (existsSync(staffIndex)) {
      console.log('')
      spawnSync(process.execPath, [path.join(REPO_ROOT, 'h5/scripts/print-entry-weight.mjs'), '--staff'], { stdio: 'inherit' })
    } else {
      console.log('\nstaff console first load: not built (npx -y pnpm@10.34.8 --filter @app/h5 build)')
    }
    await app.close()
  } finally {
    await sql.end({ timeout: 5 })
    await database.close()
    await scratch.drop()
  }
}

await main()
