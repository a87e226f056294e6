import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { cp, mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { createServer, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import postgres from 'postgres'
import { prepareServerData, type ServerStorage } from '@app/server/testing'
import { inject } from 'vitest'
import type { TestProject } from 'vitest/node'

/** The run's prepared data every spawned server starts from a copy of (see startServer). */
interface RunData {
  /** A folder of the run: the base data, and data prepared once and shared (preparedOnce). */
  dir: string
  /** Migrated and seeded: a server started on a copy has nothing left to migrate or seed. */
  base: TemplateStorage
}

/** Data a server starts from a copy of: a data folder (PGlite) or a PostgreSQL template database. */
interface TemplateStorage {
  dataDir: string
  /** PostgreSQL only: the template database's name. */
  database?: string
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** Where the real server (API + built H5) listens, e.g. http://127.0.0.1:41234 */
    baseUrl: string
    e2eRun: RunData
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

function databaseUrl(adminUrl: string, name: string): string {
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  return url.toString()
}

/**
 * A fresh PostgreSQL database for one server when TEST_DATABASE_URL is set (CI), so the journeys
 * run on the production driver: a copy of the template's (CREATE DATABASE … TEMPLATE), else
 * empty. Else none: PGlite.
 */
async function createDatabase(template?: string): Promise<{ name: string; url: string; drop: () => Promise<void> } | null> {
  const adminUrl = process.env.TEST_DATABASE_URL
  if (!adminUrl) return null
  const name = `h5_e2e_${randomBytes(6).toString('hex')}`
  const admin = () => postgres(adminUrl, { max: 1, onnotice: () => {} })
  const creator = admin()
  try {
    await creator.unsafe(`create database ${name}${template ? ` template ${template}` : ''}`)
  } finally {
    await creator.end()
  }
  return {
    name,
    url: databaseUrl(adminUrl, name),
    drop: async () => {
      const dropper = admin()
      try {
        await dropper.unsafe(`drop database if exists ${name} with (force)`)
      } finally {
        await dropper.end()
      }
    },
  }
}

/** The run's data (provided by the global setup), in a test file; null in the global setup itself. */
function runData(): RunData | null {
  try {
    return inject('e2eRun') ?? null
  } catch {
    return null
  }
}

/** A copy of the template for one server: its own data folder, and database on PostgreSQL. */
async function copyOf(template: TemplateStorage | null): Promise<{ dataDir: string; database: Awaited<ReturnType<typeof createDatabase>> }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'h5-e2e-'))
  // A copied PGlite folder opens in about a second; creating and migrating one costs several.
  if (template) await cp(template.dataDir, dataDir, { recursive: true })
  const database = await createDatabase(template?.database)
  return { dataDir, database }
}

/**
 * Data prepared once per run under `key` and shared by every file that asks for it: the first
 * caller (whichever file) prepares it on a copy of the base data, the others wait for it; each
 * then starts its own server on its own copy. `prepare` runs with the server's storage (e.g.
 * @app/server/testing's prepareServerData) and returns what the files need to know about the data
 * (JSON: learners, ids), which every caller gets.
 */
async function preparedOnce<T>(run: RunData, key: string, prepare: (storage: ServerStorage) => Promise<T>): Promise<{ template: TemplateStorage; value: T }> {
  const folder = join(run.dir, `prepared-${key}`)
  const resultFile = join(folder, 'result.json')
  const errorFile = join(folder, 'error.txt')
  let preparer = true
  try {
    // mkdir is atomic: exactly one caller of the run creates the folder and prepares.
    await mkdir(folder)
  } catch {
    preparer = false
  }
  if (preparer) {
    try {
      const template: TemplateStorage = { dataDir: join(folder, 'data') }
      await cp(run.base.dataDir, template.dataDir, { recursive: true })
      const database = await createDatabase(run.base.database)
      if (database) {
        template.database = database.name
        // Dropped with the run's base when the run ends (the global setup's teardown).
        await writeFile(join(run.dir, `${database.name}.template`), '')
      }
      const value = await prepare({ dataDir: template.dataDir, ...(database ? { databaseUrl: database.url } : {}) })
      await writeFile(`${resultFile}.tmp`, JSON.stringify({ template, value }))
      await rename(`${resultFile}.tmp`, resultFile)
    } catch (error) {
      await writeFile(errorFile, String((error as Error).stack ?? error))
      throw error
    }
  }
  const deadline = Date.now() + START_TIMEOUT_MS
  for (;;) {
    if (existsSync(resultFile)) return JSON.parse(await readFile(resultFile, 'utf8')) as { template: TemplateStorage; value: T }
    if (existsSync(errorFile)) throw new Error(`the shared data "${key}" could not be prepared (another file tried):\n${await readFile(errorFile, 'utf8')}`)
    if (Date.now() > deadline) throw new Error(`the shared data "${key}" was not prepared within ${START_TIMEOUT_MS / 1000} s`)
    await sleep(250)
  }
}

/**
 * Starts the real server (API + built H5) on a free port with a fresh data directory (and a fresh
 * PostgreSQL database when TEST_DATABASE_URL is set), a copy of the run's migrated and seeded base
 * data. The global setup starts the shared one with the defaults; a test file that needs other
 * settings (a short 防挂机 interval, say) or data made beforehand (`prepare`, e.g. with
 * @app/server/testing's prepareServerData) starts its own and stops it in afterAll.
 */
export async function startServer(env: Record<string, string> = {}, prepare?: (storage: ServerStorage) => Promise<void>): Promise<StartedServer> {
  return startServerOn(runData()?.base ?? null, env, prepare)
}

/**
 * startServer on data prepared once per run and shared by the files that ask for the same `key`
 * (see preparedOnce): each file still gets its own server on its own copy, so files never see each
 * other's sessions or changes; only the preparation, which can take many seconds, is done once.
 */
export async function startServerOnSharedData<T>(key: string, env: Record<string, string>, prepare: (storage: ServerStorage) => Promise<T>): Promise<{ server: StartedServer; prepared: T }> {
  const run = runData()
  if (!run) throw new Error('startServerOnSharedData runs in a test file of the browser suite')
  const { template, value } = await preparedOnce(run, key, prepare)
  return { server: await startServerOn(template, env), prepared: value }
}

async function startServerOn(template: TemplateStorage | null, env: Record<string, string>, prepare?: (storage: ServerStorage) => Promise<void>): Promise<StartedServer> {
  const port = await freePort()
  const { dataDir, database } = await copyOf(template)
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

/**
 * The run's base data: migrated, with the demo catalogue and sample units, as a server's first
 * start leaves it (the same steps, through the server's test harness); on PostgreSQL a template
 * database. Every server of the run starts from a copy, so none migrates or seeds on its own.
 */
async function prepareBase(dir: string): Promise<{ base: TemplateStorage; drop: () => Promise<void> }> {
  const dataDir = join(dir, 'base')
  await mkdir(dataDir)
  const adminUrl = process.env.TEST_DATABASE_URL
  const name = adminUrl ? `h5_e2e_base_${randomBytes(6).toString('hex')}` : undefined
  const admin = adminUrl ? postgres(adminUrl, { max: 1, onnotice: () => {} }) : null
  if (admin && name) await admin.unsafe(`create database ${name}`)
  await prepareServerData({ dataDir, ...(adminUrl && name ? { databaseUrl: databaseUrl(adminUrl, name) } : {}) }, {}, async () => undefined)
  return {
    base: { dataDir, ...(name ? { database: name } : {}) },
    drop: async () => {
      if (!admin) return
      // The base, and the templates preparedOnce made from it (each left a marker in the run's folder).
      const templates = (await readdir(dir)).filter((file) => file.endsWith('.template')).map((file) => file.slice(0, -'.template'.length))
      for (const database of [...templates, name]) await admin.unsafe(`drop database if exists ${database} with (force)`)
      await admin.end()
    },
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  ensureBuilt()
  const dir = await mkdtemp(join(tmpdir(), 'h5-e2e-run-'))
  // The shared server migrates and seeds its own data while the base is prepared beside it: both
  // take a while, and every file waits for both.
  const [prepared, server] = await Promise.allSettled([prepareBase(dir), startServerOn(null, {})])
  const stopAll = async () => {
    if (server.status === 'fulfilled') await server.value.stop()
    if (prepared.status === 'fulfilled') await prepared.value.drop()
    await rm(dir, { recursive: true, force: true })
  }
  if (prepared.status === 'rejected' || server.status === 'rejected') {
    await stopAll()
    throw prepared.status === 'rejected' ? prepared.reason : (server as PromiseRejectedResult).reason
  }
  project.provide('e2eRun', { dir, base: prepared.value.base })
  project.provide('baseUrl', server.value.baseUrl)
  return stopAll
}
