import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createDatabase } from './client.ts'
import { DataFolderLockedError, lockDataFolder } from './data-folder-lock.ts'

// The embedded database's folder admits one process at a time (data-folder-lock.ts).

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'folder-lock-'))
afterAll(() => fs.rmSync(root, { recursive: true, force: true }))

/** Another process holding the folder's lock as `role`, until killed. */
async function holdInChild(folder: string, role: string): Promise<ChildProcess> {
  const script = `import { lockDataFolder } from ${JSON.stringify(path.join(import.meta.dirname, 'data-folder-lock.ts'))}
lockDataFolder(${JSON.stringify(folder)}, ${JSON.stringify(role)}); console.log('held'); setInterval(() => {}, 1000)`
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] })
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => chunk.toString().includes('held') && resolve())
    child.once('exit', (code) => reject(new Error(`holder exited ${code}`)))
  })
  return child
}

const exited = (child: ChildProcess) => new Promise((resolve) => child.once('exit', resolve))

describe('data folder lock', () => {
  it('refuses a second process while the holder lives, naming it, and takes over once it is killed', { timeout: 60_000 }, async () => {
    const folder = path.join(root, 'a', 'pglite')
    const holder = await holdInChild(folder, 'server')
    try {
      let refusal: unknown
      try {
        lockDataFolder(folder, 'create-staff')
      } catch (error) {
        refusal = error
      }
      expect(refusal).toBeInstanceOf(DataFolderLockedError)
      expect((refusal as Error).message).toBe(`the server is running on this data folder (${folder}, pid ${holder.pid}): stop it, or set DATABASE_URL`)
    } finally {
      holder.kill('SIGKILL')
      await exited(holder)
    }
    // kill -9 left the file behind; its process is gone, so the lock is stale and taken over.
    expect(fs.existsSync(`${folder}.lock`)).toBe(true)
    const lock = lockDataFolder(folder, 'create-staff')
    expect(JSON.parse(fs.readFileSync(lock.file, 'utf8'))).toMatchObject({ pid: process.pid, role: 'create-staff' })
    lock.release()
    expect(fs.existsSync(lock.file)).toBe(false)
  })

  it('names a command holding the folder and says to wait for it', { timeout: 60_000 }, async () => {
    const folder = path.join(root, 'b', 'pglite')
    const holder = await holdInChild(folder, 'bulk-register')
    try {
      expect(() => lockDataFolder(folder, 'server')).toThrow(`the command bulk-register is using this data folder (${folder}, pid ${holder.pid}): wait for it to finish, or set DATABASE_URL`)
    } finally {
      holder.kill('SIGTERM')
      await exited(holder)
    }
  })

  it('refuses a second opener in the same process, and a lock left by a process with our pid is stale', () => {
    const folder = path.join(root, 'c', 'pglite')
    const lock = lockDataFolder(folder, 'server')
    expect(() => lockDataFolder(folder, 'import-content')).toThrow(DataFolderLockedError)
    lock.release()
    fs.writeFileSync(`${folder}.lock`, JSON.stringify({ pid: process.pid, role: 'server', host: os.hostname(), started: null, since: '2026-01-01T00:00:00Z', token: 'earlier' }))
    lockDataFolder(folder, 'server').release()
  })

  it('is taken when the embedded database opens and dropped when it closes', { timeout: 60_000 }, async () => {
    const dataDir = path.join(root, 'd', 'pglite')
    const database = await createDatabase({ dataDir, holder: 'import-content' })
    try {
      await expect(createDatabase({ dataDir, holder: 'server' })).rejects.toThrow('the command import-content is using this data folder')
    } finally {
      await database.close()
    }
    expect(fs.existsSync(`${dataDir}.lock`)).toBe(false)
  })
})
