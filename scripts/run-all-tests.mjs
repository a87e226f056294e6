#!/usr/bin/env node
// Runs every test of the repository, in order, stopping at the first failure:
//   1. each package's vitest suite, the server's once: on a real PostgreSQL when TEST_DATABASE_URL
//      is set (its race tests need one), else on embedded PGlite,
//   2. in CI (CI=true, which .ci/run sets) with TEST_DATABASE_URL set, the server suite a second
//      time on PGlite, the database `pnpm start` uses out of the box,
//   3. the browser journeys in headless Chromium against the built H5 and a real server (on its
//      own PostgreSQL database when TEST_DATABASE_URL is set, else on PGlite).
// Every step prints how long it took.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'

const pnpm = process.env.npm_execpath
const started = Date.now()
const minutes = (ms) => `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`
function run(title, args, env = {}) {
  console.log(`\n=== ${title} ===`)
  const stepStarted = Date.now()
  const command = pnpm && pnpm.endsWith('.cjs') ? process.execPath : 'pnpm'
  const fullArgs = pnpm && pnpm.endsWith('.cjs') ? [pnpm, ...args] : args
  const result = spawnSync(command, fullArgs, { stdio: 'inherit', env: { ...process.env, ...env } })
  if (result.status !== 0) {
    console.error(`\n✗ ${title} failed`)
    process.exit(result.status ?? 1)
  }
  console.log(`--- ${title}: ${minutes(Date.now() - stepStarted)}`)
}

const onPostgres = Boolean(process.env.TEST_DATABASE_URL)
const inCi = Boolean(process.env.CI) && process.env.CI !== 'false'
run(`unit and API tests (server on ${onPostgres ? 'PostgreSQL' : 'PGlite'})`, ['-r', '--workspace-concurrency=1', 'test'])
if (!onPostgres) {
  console.log('\n(TEST_DATABASE_URL is not set: the server suite ran on PGlite, where its race tests\' parallel requests take turns; CI runs it on PostgreSQL and PGlite)')
} else if (inCi) {
  run('server tests again on PGlite (CI only)', ['--filter', '@app/server', 'test'], { TEST_DATABASE_URL: '' })
}

if (!fs.existsSync('/usr/bin/chromium')) {
  console.error('\n✗ browser tests need Debian\'s Chromium at /usr/bin/chromium: apt-get install -y chromium')
  process.exit(1)
}
run('build the H5', ['--filter', '@app/h5', 'build:if-stale'])
run('browser journeys (headless Chromium)', ['--filter', '@app/h5', 'test:e2e'])
console.log(`\n✓ all tests passed in ${minutes(Date.now() - started)}`)
