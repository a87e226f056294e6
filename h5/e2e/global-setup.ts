import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import postgres from 'postgres'
import type { ServerStorage } from '@app/server/testing'
import type { TestProject } from 'vitest/node'

declare module 'vitest' {
  export interface ProvidedContext {
    /** Where the real server (API + built H5) listens, e.g. http://127.0.0.1:41234 */
    baseUrl: string
  }
}

const h5Dir = resolve(dirname(fileURLToPath(import.meta.url)), '..')
// The server package, found through h5's declared dev dependency on @app/server.
const serverDir = dirname(createRequire(import.meta.url).resolve('@app/server/package.json'))
// A fresh PGlite migrated and seeded by a server compiled on the fly (tsx): well under a minute on
// an idle machine, minutes on one shared with other builds.
const START_TIMEOUT_MS = 240_000

/** The browser tests run against what ships: the built H5. Build it only when there is none. */
function ensureBuilt(): void {
  const vite = join(h5Dir, 'node_modules', 'vite', 'bin', 'vite.js')
  if (!existsSync(join(h5Dir, 'dist', 'index.html'))) {
    console.log('[e2e] h5/dist missing; running vite build')
    const result = spawnSync(process.execPath, [vite, 'build'], { cwd: h5Dir, stdio: 'inherit' })
    if (result.status !== 0) throw new Error('vite build failed')
  }
  // The staff console (管理后台), built after the learner app (whose build empties dist/).
  if (!existsSync(join(h5Dir, 'dist', 'staff', 'index.html'))) {
    console.log('[e2e] h5/dist/staff missing; running vite build -c vite.staff.config.ts')
    const result = spawnSync(process.execPath, [vite, 'build', '-c', 'vite.staff.config.ts'], { cwd: h5Dir, stdio: 'inherit' })
    if (result.status !== 0) throw new Error('vite build of the staff console failed')
  }
}

async function freePort(): Promise<number> {
  const probe = createServer()
  await new Promise<void>((done) => probe.listen(0, '127.0.0.1', done))
  const { port } = probe.address() as AddressInfo
  await new Promise<void>((done) => probe.close(() => done()))
  return port
}

async function waitForHealth(baseUrl: string, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`server exited (${child.exitCode ?? child.signalCode}) before it was healthy:\n${stderr()}`)
    }
    try {
      const response = await fetch(`${baseUrl}/api/health`, { signal: AbortSignal.timeout(2_000) })
      if (response.status === 200) return
    } catch {
      // Not listening yet.
    }
    await new Promise((done) => setTimeout(done, 250))
  }
  throw new Error(`server not healthy within ${START_TIMEOUT_MS / 1000} s:\n${stderr()}`)
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise<void>((done) => child.once('exit', () => done()))
  child.kill('SIGTERM')
  // The server drains for up to 10 s on SIGTERM; don't let a stuck one hold the run.
  const timer = setTimeout(() => child.kill('SIGKILL'), 12_000)
  await exited
  clearTimeout(timer)
}

/** A running server: its base URL and how to stop it (and remove its data directory). */
export interface StartedServer {
  baseUrl: string
  stop: () => Promise<void>
}

/**
 * A fresh, empty PostgreSQL database for one server when TEST_DATABASE_URL is set (CI), so the
 * journeys run on the production driver; the server migrates and seeds it. Else none: PGlite.
 */
async function createDatabase(): Promise<{ url: string; drop: () => Promise<void> } | null> {
  const adminUrl = process.env.TEST_DATABASE_URL
  if (!adminUrl) return null
  const name = `h5_e2e_${randomBytes(6).toString('hex')}`
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} })
  await admin.unsafe(`create database ${name}`)
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    drop: async () => {
      await admin.unsafe(`drop database if exists ${name} with (force)`)
      await admin.end()
    },
  }
}

/**
 * Starts the real server (API + built H5) on a free port with a fresh data directory (and a fresh
 * PostgreSQL database when TEST_DATABASE_URL is set). The global setup starts the shared one with
 * the defaults; a test file that needs other settings (a short 防挂机 interval, say) or data made
 * beforehand (`prepare`, e.g. with @app/server/testing's prepareServerData) starts its own and
 * stops it in afterAll.
 */
export async function startServer(env: Record<string, string> = {}, prepare?: (storage: ServerStorage) => Promise<void>): Promise<StartedServer> {
  const port = await freePort()
  const dataDir = await mkdtemp(join(tmpdir(), 'h5-e2e-'))
  const database = await createDatabase()
  const baseUrl = `http://127.0.0.1:${port}`
  try {
    await prepare?.({ dataDir, ...(database ? { databaseUrl: database.url } : {}) })
  } catch (error) {
    await database?.drop()
    await rm(dataDir, { recursive: true, force: true })
    throw error
  }

  const child = spawn(process.execPath, ['--import', 'tsx', 'src/app/server.ts'], {
    cwd: serverDir,
    env: { ...process.env, PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'warn', ...(database ? { DATABASE_URL: database.url } : {}), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk
  })
  // Drain stdout so a chatty server never blocks on a full pipe.
  child.stdout?.resume()

  try {
    await waitForHealth(baseUrl, child, () => stderr)
  } catch (error) {
    await stop(child)
    await database?.drop()
    await rm(dataDir, { recursive: true, force: true })
    throw error
  }

  return {
    baseUrl,
    stop: async () => {
      await stop(child)
      await database?.drop()
      await rm(dataDir, { recursive: true, force: true })
    },
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  ensureBuilt()
  const server = await startServer()
  project.provide('baseUrl', server.baseUrl)
  return server.stop
}
