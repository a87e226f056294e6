import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import postgres from 'postgres'
import { loadOrCreateDevSecrets } from '@app/server/commands'
import { withDatabase } from '../bench/database.ts'
import { buildServer, freePort, REPO_ROOT } from '../bench/processes.ts'
import { parseAccessLog, writeNginxConfig, type AccessLogLine } from './nginx.ts'
import { writePgBouncerConfig } from './pgbouncer.ts'
import { ClusterSetupError, requireProgram } from './tools.ts'
import { SERVER_NODE_FLAGS } from '../server-node-flags.ts'

export interface ClusterOptions {
  instances?: number
  /** Put PgBouncer (transaction mode) between the instances and PostgreSQL. */
  pgbouncer?: boolean
  /** An existing PostgreSQL (admin URL); the cluster creates its own database there and drops it at the end. */
  postgresUrl?: string
  /** Route the instances' queries through this URL instead (a TCP proxy a fault test can cut); {db} is the database name. */
  databaseUrlFor?: (databaseName: string) => string
  /** Extra environment for every instance. */
  env?: Record<string, string>
  logLevel?: string
  keepDatabase?: boolean
}

export interface Instance {
  index: number
  port: number
  metricsPort: number
  process: ChildProcess
  /** Everything the instance wrote (its JSON log lines). */
  logFile: string
}

export interface Cluster {
  /** What users reach: nginx. */
  url: string
  dir: string
  databaseName: string
  /** Direct PostgreSQL URL of the cluster's database (for checks). */
  databaseUrl: string
  /** What the instances use: PgBouncer's, or the direct one. */
  instanceDatabaseUrl: string
  instances: Instance[]
  simulatorUrl: string
  /** nginx's access log so far: which instance served each request. */
  accessLog(): AccessLogLine[]
  /** kill -9 (or another signal) of one instance. */
  kill(index: number, signal?: NodeJS.Signals): Promise<void>
  /** Starts a stopped instance again on its port. */
  restart(index: number): Promise<void>
  stop(): Promise<void>
}

const START_TIMEOUT_MS = 90_000
const H5_DIR = path.join(REPO_ROOT, 'h5')

/**
 * The instances serve the built H5: rebuilt only when its sources changed (as `pnpm start` does).
 * Without vitest's NODE_ENV=test, which would make Vite bundle Vue's development build.
 */
function ensureH5Built(): void {
  const { NODE_ENV: _testEnv, ...env } = process.env
  const result = spawnSync(process.execPath, ['scripts/build-if-stale.mjs'], { cwd: H5_DIR, env, stdio: 'inherit' })
  if (result.status !== 0) throw new ClusterSetupError('the H5 build failed')
}

function logTo(child: ChildProcess, file: string): void {
  const out = fs.createWriteStream(file, { flags: 'a' })
  child.stdout?.pipe(out)
  child.stderr?.pipe(out)
}

async function waitFor(url: string, child: ChildProcess, what: string, logFile?: string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      const log = logFile && fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').slice(-2000) : ''
      throw new ClusterSetupError(`${what} exited (${child.exitCode ?? child.signalCode}) before it was ready\n${log}`)
    }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) })
      if (res.status < 500) return
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  throw new ClusterSetupError(`${what} not ready within ${START_TIMEOUT_MS / 1000} s`)
}

/** uid and gid of a system user (PgBouncer refuses to run as root and switches to it). */
function systemUser(name: string): { uid: number; gid: number } {
  const line = fs.readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith(`${name}:`))
  const [, , uid, gid] = line?.split(':') ?? []
  if (uid === undefined || gid === undefined) throw new ClusterSetupError(`running as root, PgBouncer needs the system user "${name}" to switch to`)
  return { uid: Number(uid), gid: Number(gid) }
}

async function waitForPort(port: number, child: ChildProcess, what: string, logFile?: string): Promise<void> {
  const net = await import('node:net')
  const deadline = Date.now() + 20_000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      await new Promise((resolve) => setTimeout(resolve, 100))
      const log = logFile && fs.existsSync(logFile) ? `\n${fs.readFileSync(logFile, 'utf8').slice(-1500)}` : ''
      throw new ClusterSetupError(`${what} exited (${child.exitCode}) at start-up${log}`)
    }
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1')
      socket.once('connect', () => (socket.destroy(), resolve(true)))
      socket.once('error', () => resolve(false))
    })
    if (open) return
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new ClusterSetupError(`${what} did not listen on ${port}`)
}

export async function stopProcess(child: ChildProcess, timeoutMs = 15_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve())
    child.kill('SIGTERM')
    setTimeout(() => child.kill('SIGKILL'), timeoutMs).unref()
  })
}

/**
 * Starts the local cluster: a database of its own on the given PostgreSQL, optionally PgBouncer in
 * transaction mode, the WeChat simulator as its own process, N server instances (the built
 * server, as production runs it) sharing one data folder's development keys, and nginx in front.
 */
export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  const count = options.instances ?? 3
  const nginxBin = requireProgram('nginx')
  const pgbouncerBin = options.pgbouncer ? requireProgram('pgbouncer') : null
  const postgresUrl = options.postgresUrl ?? 'postgres://postgres@127.0.0.1:5432/test'
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cq-cluster-'))
  const dataDir = path.join(dir, 'data')
  const secrets = loadOrCreateDevSecrets(dataDir)
  const databaseName = `cluster_${randomBytes(4).toString('hex')}`
  const admin = postgres(postgresUrl, { max: 1, onnotice: () => {} })
  await admin.unsafe(`create database ${databaseName}`)
  const databaseUrl = withDatabase(postgresUrl, databaseName)
  const children: ChildProcess[] = []
  const instances: Instance[] = []

  const stopAll = async () => {
    await Promise.all(instances.map((i) => stopProcess(i.process)))
    await Promise.all(children.map((c) => stopProcess(c)))
    if (!options.keepDatabase) await admin.unsafe(`drop database if exists ${databaseName} with (force)`).catch(() => {})
    await admin.end({ timeout: 5 })
    // CLUSTER_KEEP_FILES=1 keeps the logs and configuration for a look after a failed run.
    if (process.env.CLUSTER_KEEP_FILES !== '1') fs.rmSync(dir, { recursive: true, force: true })
  }

  try {
    ensureH5Built()
    buildServer()
    let instanceDatabaseUrl = options.databaseUrlFor ? options.databaseUrlFor(databaseName) : databaseUrl
    if (pgbouncerBin) {
      const port = await freePort()
      const pg = new URL(postgresUrl)
      const runAs = process.getuid?.() === 0 ? systemUser('postgres') : null
      const config = writePgBouncerConfig({
        dir,
        port,
        postgres: { host: pg.hostname, port: Number(pg.port || 5432), user: decodeURIComponent(pg.username || 'postgres') },
        poolSize: 20,
      }, runAs)
      const bouncer = spawn(pgbouncerBin, [...(runAs ? ['-u', 'postgres'] : []), config], { stdio: ['ignore', 'pipe', 'pipe'] })
      logTo(bouncer, path.join(dir, 'pgbouncer.out'))
      children.push(bouncer)
      await waitForPort(port, bouncer, 'pgbouncer', path.join(dir, 'pgbouncer.out'))
      const u = new URL(instanceDatabaseUrl)
      u.port = String(port)
      u.hostname = '127.0.0.1'
      instanceDatabaseUrl = u.toString()
    }

    const nginxPort = await freePort()
    const url = `http://127.0.0.1:${nginxPort}`
    const simulatorPort = await freePort()
    const simulator = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'simulator-server.ts'), String(simulatorPort), dataDir, `127.0.0.1:${nginxPort}`, `localhost:${nginxPort}`], {
      cwd: path.join(REPO_ROOT, 'scripts'),
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    logTo(simulator, path.join(dir, 'simulator.log'))
    children.push(simulator)
    await waitForPort(simulatorPort, simulator, 'the WeChat simulator')
    const simulatorUrl = `http://127.0.0.1:${simulatorPort}`

    const ports = await Promise.all(Array.from({ length: count }, () => freePort()))
    const metricsPorts = await Promise.all(Array.from({ length: count }, () => freePort()))
    const spawnInstance = (index: number): Instance => {
      const logFile = path.join(dir, `instance-${index + 1}.log`)
      const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, 'dist/server.mjs'], {
        cwd: path.join(REPO_ROOT, 'server'),
        env: {
          ...process.env,
          APP_ENV: 'development',
          HOST: '127.0.0.1',
          PORT: String(ports[index]),
          METRICS_PORT: String(metricsPorts[index]),
          PUBLIC_BASE_URL: url,
          DATA_DIR: dataDir,
          JWT_SECRET: secrets.jwtSecret,
          DATABASE_URL: instanceDatabaseUrl,
          ...(pgbouncerBin ? { DATABASE_PREPARED_STATEMENTS: 'false', DATABASE_DIRECT_URL: databaseUrl } : {}),
          WECHAT_SIMULATOR_URL: simulatorUrl,
          TRUST_PROXY: 'true',
          PGAPPNAME: `cluster-instance-${index + 1}`,
          LOG_LEVEL: options.logLevel ?? 'info',
          ...options.env,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      logTo(child, logFile)
      return { index, port: ports[index] as number, metricsPort: metricsPorts[index] as number, process: child, logFile }
    }
    // The first instance migrates and seeds the empty database alone; the others start on it.
    // A free port can be taken by another process before the instance binds it (the machine is
    // shared): then the instance starts again on new ports.
    const startInstance = async (index: number) => {
      for (let attempt = 1; ; attempt++) {
        const instance = spawnInstance(index)
        instances[index] = instance
        try {
          await waitFor(`http://127.0.0.1:${instance.port}/api/health/ready`, instance.process, `instance ${index + 1}`, instance.logFile)
          return
        } catch (error) {
          if (attempt >= 3 || !String((error as Error).message).includes('already in use')) throw error
          ports[index] = await freePort()
          metricsPorts[index] = await freePort()
        }
      }
    }
    await startInstance(0)
    await Promise.all(Array.from({ length: count - 1 }, (_, i) => startInstance(i + 1)))

    const nginxConfig = writeNginxConfig({ dir, port: nginxPort, instancePorts: ports, simulatorPort })
    const nginx = spawn(nginxBin, ['-c', nginxConfig, '-p', dir, '-e', path.join(dir, 'nginx-error.log')], { stdio: ['ignore', 'pipe', 'pipe'] })
    logTo(nginx, path.join(dir, 'nginx.out'))
    children.push(nginx)
    await waitFor(`${url}/api/health/live`, nginx, 'nginx')

    return {
      url,
      dir,
      databaseName,
      databaseUrl,
      instanceDatabaseUrl,
      instances,
      simulatorUrl,
      accessLog: () => parseAccessLog(fs.readFileSync(path.join(dir, 'nginx-access.log'), 'utf8')),
      async kill(index, signal = 'SIGKILL') {
        const instance = instances[index] as Instance
        if (instance.process.exitCode !== null || instance.process.signalCode !== null) return
        const exited = new Promise((resolve) => instance.process.once('exit', resolve))
        instance.process.kill(signal)
        await exited
      },
      async restart(index) {
        const instance = spawnInstance(index)
        instances[index] = instance
        await waitFor(`http://127.0.0.1:${instance.port}/api/health/ready`, instance.process, `instance ${index + 1}`, instance.logFile)
      },
      stop: stopAll,
    }
  } catch (error) {
    await stopAll()
    throw error
  }
}
