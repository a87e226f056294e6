import type { ProgressReportBody } from '@app/shared/learning'

// LRN-7: the reports not yet answered, kept in memory and mirrored to localStorage, so a reload, a
// webview killed in the background or a dropped network loses none of them. Memory is the working
// copy; storage may be missing or full (Safari's private mode throws on setItem), and the backlog
// then still works for this page load.

/** One key per playback session, so a session's reports can be dropped together. */
export const REPORT_STORAGE_PREFIX = 'jx.learning.reports.'
/**
 * Reports older than this are not worth keeping: the server credits nothing older than a few
 * minutes (its offline backlog), and storage must not grow for ever.
 */
export const REPORT_MAX_AGE_MS = 24 * 60 * 60_000

export type ReportStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem' | 'key' | 'length'>

export interface StoredSession {
  sessionId: string
  /** Date.now() when the first report was queued: sessions are sent oldest first. */
  createdAt: number
  reports: ProgressReportBody[]
}

export interface ReportBacklog {
  /** Keeps a report (once per seq), in seq order, and stores it before anything is sent. */
  add(sessionId: string, report: ProgressReportBody): void
  /** The oldest session with something to send, and its first report. */
  next(): { entry: StoredSession; report: ProgressReportBody } | undefined
  /** Forgets one report: answered, or refused for good. */
  remove(entry: StoredSession, seq: number): void
  /** Forgets a whole session's reports; returns how many there were. */
  drop(entry: StoredSession): number
  /** Reports not yet answered, for one session or all. */
  pending(sessionId?: string): number
}

function isReport(value: unknown): value is ProgressReportBody {
  if (typeof value !== 'object' || value === null) return false
  const r = value as Record<string, unknown>
  return (
    typeof r.seq === 'number' &&
    typeof r.positionSeconds === 'number' &&
    typeof r.clientElapsedMs === 'number' &&
    typeof r.playing === 'boolean'
  )
}

/** The sessions a previous page load left in storage, minus the unreadable and the too old. */
function load(storage: ReportStorage | null, now: number): Map<string, StoredSession> {
  const sessions = new Map<string, StoredSession>()
  if (!storage) return sessions
  const keys: string[] = []
  try {
    for (let i = 0; i < storage.length; i += 1) {
      const key = storage.key(i)
      if (key?.startsWith(REPORT_STORAGE_PREFIX)) keys.push(key)
    }
  } catch {
    return sessions
  }
  for (const key of keys) {
    try {
      const parsed = JSON.parse(storage.getItem(key) ?? 'null') as Partial<StoredSession> | null
      const sessionId = key.slice(REPORT_STORAGE_PREFIX.length)
      const reports = Array.isArray(parsed?.reports) ? parsed.reports.filter(isReport) : []
      const createdAt = typeof parsed?.createdAt === 'number' ? parsed.createdAt : 0
      if (reports.length === 0 || now - createdAt > REPORT_MAX_AGE_MS) {
        storage.removeItem(key)
        continue
      }
      sessions.set(sessionId, { sessionId, createdAt, reports: reports.sort((a, b) => a.seq - b.seq) })
    } catch {
      storage.removeItem(key)
    }
  }
  return sessions
}

export function createReportBacklog(storage: ReportStorage | null, now: () => number): ReportBacklog {
  const sessions = load(storage, now())

  function persist(entry: StoredSession): void {
    try {
      if (entry.reports.length === 0) storage?.removeItem(REPORT_STORAGE_PREFIX + entry.sessionId)
      else storage?.setItem(REPORT_STORAGE_PREFIX + entry.sessionId, JSON.stringify(entry))
    } catch {
      // Quota or private mode: keep going from memory.
    }
  }

  return {
    add(sessionId, report) {
      let entry = sessions.get(sessionId)
      if (!entry) {
        entry = { sessionId, createdAt: now(), reports: [] }
        sessions.set(sessionId, entry)
      }
      if (!entry.reports.some((r) => r.seq === report.seq)) {
        entry.reports.push({ ...report })
        entry.reports.sort((a, b) => a.seq - b.seq)
      }
      persist(entry)
    },
    next() {
      let oldest: StoredSession | undefined
      for (const entry of sessions.values()) {
        if (entry.reports.length === 0) continue
        if (!oldest || entry.createdAt < oldest.createdAt) oldest = entry
      }
      const report = oldest?.reports[0]
      return oldest && report ? { entry: oldest, report } : undefined
    },
    remove(entry, seq) {
      entry.reports = entry.reports.filter((r) => r.seq !== seq)
      persist(entry)
      if (entry.reports.length === 0) sessions.delete(entry.sessionId)
    },
    drop(entry) {
      const dropped = entry.reports.length
      entry.reports = []
      persist(entry)
      sessions.delete(entry.sessionId)
      return dropped
    },
    pending(sessionId) {
      if (sessionId !== undefined) return sessions.get(sessionId)?.reports.length ?? 0
      let total = 0
      for (const entry of sessions.values()) total += entry.reports.length
      return total
    },
  }
}

/** The page's localStorage, or null when the webview's privacy settings disable it. */
export function browserStorage(): ReportStorage | null {
  try {
    return window.localStorage
  } catch {
    return null
  }
}
