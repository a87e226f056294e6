#!/usr/bin/env node
// Runs every test of the repository, in order, stopping at the first failure:
//   1. each package's vitest suite (server on embedded PGlite),
//   2. the server suite again on a real PostgreSQL when TEST_DATABASE_URL is set (CI sets it),
//   3. the browser journeys in headless Chromium against the built H5 and a real server (on its
//      own PostgreSQL database when TEST_DATABASE_URL is set, else on PGlite).
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'

const pnpm = process.env.npm_execpath
function run(title, args, env = {}) {
  console.log(`\n=== ${title} ===`)
  const command = pnpm && pnpm.endsWith('.cjs') ? process.execPath : 'pnpm'
  const fullArgs = pnpm && pnpm.endsWith('.cjs') ? [pnpm, ...args] : args
  const result = spawnSync(command, fullArgs, { stdio: 'inherit', env: { ...process.env, ...env } })
  if (result.status !== 0) {
    console.error(`\n✗ ${title} failed`)
    process.exit(result.status ?? 1)
  }
}

const withoutPg = { TEST_DATABASE_URL: '' }
run('unit and API tests (server on PGlite)', ['-r', '--workspace-concurrency=1', 'test'], withoutPg)

if (process.env.TEST_DATABASE_URL) {
  run('server tests on PostgreSQL', ['--filter', '@app/server', 'test'])
} else {
  console.log('\n(TEST_DATABASE_URL is not set: the PostgreSQL run of the server suite is skipped; CI sets it)')
}

if (!fs.existsSync('/usr/bin/chromium')) {
  console.error('\n✗ browser tests need Debian\'s Chromium at /usr/bin/chromium: apt-get install -y chromium')
  process.exit(1)
}
run('build the H5', ['--filter', '@app/h5', 'build:if-stale'])
run('browser journeys (headless Chromium)', ['--filter', '@app/h5', 'test:e2e'])
console.log('\n✓ all tests passed')
