import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import net from 'node:net'
import path from 'node:path'

export const REPO_ROOT = path.resolve(import.meta.dirname, '../../..')

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
}

/** Starts an entry (TypeScript through tsx, or built JavaScript) in its own Node process, so its memory is measured alone. */
export function startNode(entry: string, args: string[], env: Record<string, string>, cwd = REPO_ROOT, nodeArgs: string[] = []): ChildProcess {
  const loader = entry.endsWith('.ts') ? ['--import', 'tsx'] : []
  const child = spawn(process.execPath, [...nodeArgs, ...loader, entry, ...args], {
    cwd,
    env: { ...process.env, ...env },
    // BENCH_SERVER_STDOUT=1 shows the server's stdout (e.g. BENCH_SERVER_NODE_ARGS=--trace-gc).
    stdio: ['ignore', process.env.BENCH_SERVER_STDOUT ? 'inherit' : 'ignore', 'pipe'],
  })
  child.stderr?.on('data', (chunk: Buffer) => process.stderr.write(chunk))
  return child
}

export async function waitForHttp(url: string, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url, { method: url.endsWith('/bare') ? 'POST' : 'GET', headers: { 'content-type': 'application/json' }, body: url.endsWith('/bare') ? '{}' : undefined })
      if (res.status < 500) return
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200))
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`)
}

export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve())
    child.kill('SIGTERM')
    setTimeout(() => child.kill('SIGKILL'), 15_000).unref()
  })
}

/** Builds the server bundle (dist/server.mjs), as the run command does. */
export function buildServer(): void {
  const result = spawnSync(process.execPath, ['build.mjs'], { cwd: path.join(REPO_ROOT, 'server'), stdio: 'inherit' })
  if (result.status !== 0) throw new Error('server build failed')
}
