#!/usr/bin/env node
// Runs every test of the repository, stopping at the first failure:
//   A. each package's vitest suite, the server's once: on a real PostgreSQL when TEST_DATABASE_URL
//      is set (its race tests need one), else on embedded PGlite; in CI (CI=true, which .ci/run
//      sets) with TEST_DATABASE_URL set, the server suite a second time on PGlite, the database
//      `pnpm start` uses out of the box,
//   B. the H5 build (when its sources changed) and the browser journeys in headless Chromium
//      against the built H5 and a real server (on its own PostgreSQL database when
//      TEST_DATABASE_URL is set, else on PGlite).
// A and B share nothing (their own servers, databases and ports), so without TEST_DATABASE_URL —
// a contributor's run — they run side by side: much of B is waiting (a video playing in real
// time, a page settling), which A's CPU-bound suites fill. Each line is then prefixed with its
// lane. With TEST_DATABASE_URL (CI) they run one after the other, as the race tests on PostgreSQL
// were measured. Every step prints how long it took.
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import readline from 'node:readline'

const pnpm = process.env.npm_execpath
const started = Date.now()
const minutes = (ms) => `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`
const onPostgres = Boolean(process.env.TEST_DATABASE_URL)
const inCi = Boolean(process.env.CI) && process.env.CI !== 'false'
const sideBySide = !onPostgres

/** Every child still running, so a failure in one lane stops the other at once. */
const running = new Set()

class StepFailed extends Error {
  constructor(title, code) {
    super(`${title} failed`)
    this.code = code
  }
}

/** One step: a pnpm command, its output prefixed with the lane when lanes run side by side. */
function run(title, args, { env = {}, lane = '' } = {}) {
  const say = (line) => console.log(lane ? `${lane} │ ${line}` : line)
  say(`=== ${title} ===`)
  const stepStarted = Date.now()
  const command = pnpm && pnpm.endsWith('.cjs') ? process.execPath : 'pnpm'
  const fullArgs = pnpm && pnpm.endsWith('.cjs') ? [pnpm, ...args] : args
  // Vitest colours its output only on a terminal; keep the colours when ours is one.
  const colour = process.stdout.isTTY && lane ? { FORCE_COLOR: '1' } : {}
  const child = spawn(command, fullArgs, {
    stdio: lane ? ['ignore', 'pipe', 'pipe'] : 'inherit',
    env: { ...process.env, ...colour, ...env },
    // Its own process group, so stopping it stops the test workers, servers and browsers under it.
    detached: true,
  })
  running.add(child)
  if (lane) {
    for (const stream of [child.stdout, child.stderr]) readline.createInterface({ input: stream }).on('line', say)
  }
  return new Promise((resolve, reject) => {
    child.on('close', (code) => {
      running.delete(child)
      if (code === 0) {
        say(`--- ${title}: ${minutes(Date.now() - stepStarted)}`)
        resolve()
      } else {
        reject(new StepFailed(title, code || 1))
      }
    })
  })
}

function stopAll(signal = 'SIGTERM') {
  for (const child of running) {
    try {
      process.kill(-child.pid, signal)
    } catch {
      // Already gone.
    }
  }
}
// Ctrl-C reaches our own process group only: pass it on to the steps' groups.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    stopAll(signal)
    process.exit(130)
  })
}

async function packageSuites(lane) {
  await run(`unit and API tests (server on ${onPostgres ? 'PostgreSQL' : 'PGlite'})`, ['-r', '--workspace-concurrency=1', 'test'], { lane })
  if (!onPostgres) {
    const say = (line) => console.log(lane ? `${lane} │ ${line}` : line)
    say("(TEST_DATABASE_URL is not set: the server suite ran on PGlite, where its race tests' parallel requests take turns; CI runs it on PostgreSQL and PGlite)")
  } else if (inCi) {
    await run('server tests again on PGlite (CI only)', ['--filter', '@app/server', 'test'], { env: { TEST_DATABASE_URL: '' }, lane })
  }
}

async function browserJourneys(lane) {
  await run('build the H5', ['--filter', '@app/h5', 'build:if-stale'], { lane })
  await run('browser journeys (headless Chromium)', ['--filter', '@app/h5', 'test:e2e'], { lane })
}

if (!fs.existsSync('/usr/bin/chromium')) {
  console.error("\n✗ browser tests need Debian's Chromium at /usr/bin/chromium: apt-get install -y chromium")
  process.exit(1)
}

try {
  if (sideBySide) {
    console.log('\nThe package suites (lane "suites") and the browser journeys (lane "e2e") run side by side.\n')
    // The first failure stops the other lane: nobody waits minutes for a run already red.
    await Promise.all([packageSuites('suites'), browserJourneys('e2e   ')].map((lane) => lane.catch((error) => {
      stopAll()
      throw error
    })))
  } else {
    await packageSuites('')
    await browserJourneys('')
  }
} catch (error) {
  if (!(error instanceof StepFailed)) throw error
  console.error(`\n✗ ${error.message}`)
  process.exit(error.code || 1)
}
console.log(`\n✓ all tests passed in ${minutes(Date.now() - started)}`)
