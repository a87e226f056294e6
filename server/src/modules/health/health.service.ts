import type { HealthOptions } from './health.routes.ts'

/** Why this instance should not get traffic now, or null when it should. */
export async function readiness(opts: Pick<HealthOptions, 'ping' | 'pendingMigrations' | 'draining'>): Promise<string | null> {
  if (opts.draining()) return '服务正在停止'
  if (!(await opts.ping())) return '数据库暂时无法访问'
  try {
    const pending = await opts.pendingMigrations()
    if (pending > 0) return `数据库有 ${pending} 个迁移尚未执行`
  } catch {
    return '数据库暂时无法访问'
  }
  return null
}
