import { randomUUID } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

/**
 * The embedded database (PGlite) keeps its pages in memory and writes them back when it pleases:
 * two processes opening the same folder each work on their own copy and overwrite each other's
 * files, so accounts "created" by a command vanish after a restart and sequences fall behind the
 * rows (a later insert then collides with an existing id). PGlite itself does not stop a second
 * opener, so the folder carries a lock: `<folder>.lock`, created with O_EXCL, holding the
 * holder's pid and what it is. The server and every operator command take it before opening the
 * folder and drop it when they close it (and on exit); a lock whose process is gone is stale and
 * taken over.
 */

export interface LockHolder {
  pid: number
  /** `server` or the operator command's name. */
  role: string
  host: string
  /** The process's start time (Linux /proc), so a reused pid is not taken for the holder. */
  started: string | null
  since: string
  /** Tells this holding apart from an earlier one by the same pid. */
  token: string
}

export class DataFolderLockedError extends Error {
  override name = 'DataFolderLockedError'
  constructor(
    readonly folder: string,
    readonly holder: LockHolder,
  ) {
    super(
      holder.role === 'server'
        ? `the server is running on this data folder (${folder}, pid ${holder.pid}): stop it, or set DATABASE_URL`
        : `the command ${holder.role} is using this data folder (${folder}, pid ${holder.pid}): wait for it to finish, or set DATABASE_URL`,
    )
  }
}

export interface DataFolderLock {
  readonly file: string
  release(): void
}

function processStartTime(pid: number): string | null {
  try {
    // Field 22 of /proc/<pid>/stat, counted after the parenthesised command name (which may hold spaces).
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null
  } catch {
    return null
  }
}

// The locks this process holds (their tokens), so a second opener in this process is refused too.
const heldHere = new Set<string>()

function isAlive(holder: LockHolder): boolean {
  if (holder.host !== os.hostname()) return true // another machine's process: we cannot tell, so respect it
  // Our own pid: ours if we took it, else left by an earlier process that had our pid (containers).
  if (holder.pid === process.pid) return heldHere.has(holder.token)
  try {
    process.kill(holder.pid, 0)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false
  }
  const started = processStartTime(holder.pid)
  return holder.started === null || started === null || started === holder.started
}

function readHolder(file: string): LockHolder | null {
  try {
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<LockHolder>
    if (typeof parsed.pid !== 'number') return null
    return { pid: parsed.pid, role: String(parsed.role ?? 'unknown'), host: String(parsed.host ?? os.hostname()), started: parsed.started ?? null, since: String(parsed.since ?? ''), token: String(parsed.token ?? '') }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
    // Half-written by a process that died between create and write: nobody holds it.
    return { pid: -1, role: 'unknown', host: os.hostname(), started: null, since: '', token: '' }
  }
}

/**
 * Removes a stale lock, under a second O_EXCL file so two processes finding the same stale lock
 * cannot both remove it (the second would otherwise delete the first one's fresh lock).
 */
function removeStale(file: string, stale: LockHolder): void {
  const guard = `${file}.takeover`
  let fd: number
  try {
    fd = fs.openSync(guard, 'wx')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    // A takeover guard older than a few seconds was left by a process that died mid-takeover.
    const stat = fs.statSync(guard, { throwIfNoEntry: false })
    if (stat && Date.now() - stat.mtimeMs > 5_000) fs.rmSync(guard, { force: true })
    else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50) // another process is taking over: let it finish
    return
  }
  try {
    const now = readHolder(file)
    if (now && now.pid === stale.pid && now.token === stale.token) fs.rmSync(file, { force: true })
  } finally {
    fs.closeSync(fd)
    fs.rmSync(guard, { force: true })
  }
}

/**
 * Takes the lock of an embedded database folder for this process, or throws
 * DataFolderLockedError naming who holds it. Released by `release()` and, as a last resort, when
 * the process exits; a holder killed outright leaves a stale lock that the next opener takes over.
 */
export function lockDataFolder(folder: string, role: string): DataFolderLock {
  const file = `${path.resolve(folder)}.lock`
  fs.mkdirSync(path.dirname(file), { recursive: true })
  const me: LockHolder = { pid: process.pid, role, host: os.hostname(), started: processStartTime(process.pid), since: new Date().toISOString(), token: randomUUID() }
  for (let attempt = 0; ; attempt++) {
    let fd: number
    try {
      fd = fs.openSync(file, 'wx', 0o644)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      const holder = readHolder(file)
      if (holder && isAlive(holder)) throw new DataFolderLockedError(folder, holder)
      if (attempt >= 20) throw new DataFolderLockedError(folder, holder ?? { ...me, pid: -1, role: 'unknown' })
      if (holder) removeStale(file, holder)
      continue
    }
    try {
      fs.writeSync(fd, JSON.stringify(me))
    } finally {
      fs.closeSync(fd)
    }
    let held = true
    heldHere.add(me.token)
    const release = () => {
      if (!held) return
      held = false
      heldHere.delete(me.token)
      process.removeListener('exit', release)
      // Only our own lock: never one a later holder wrote after ours was (wrongly) removed.
      const current = readHolder(file)
      if (current && current.pid === me.pid && current.token === me.token) fs.rmSync(file, { force: true })
    }
    process.on('exit', release)
    return { file, release }
  }
}
