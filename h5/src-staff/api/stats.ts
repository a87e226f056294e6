import type { AuditLogPage, AuditLogQuery, CompletionReportQuery, CompletionSummary, CompletionSummaryQuery, StatsOverview } from '@app/shared/staff-stats'
import type { ConversationDetail, ConversationSummary } from '@app/shared/notices'
import { ApiError, request } from './http'
import { session } from '../session'

/** 统计, 审计日志 and 在线客服 (docs/staff.md): one typed function per endpoint. */

export const fetchStatsOverview = () => request<StatsOverview>('GET', '/stats/overview')
export const fetchCompletion = (query: CompletionSummaryQuery) => request<CompletionSummary>('GET', '/stats/completion', undefined, { ...query })
export const fetchAuditLog = (query: AuditLogQuery) => request<AuditLogPage>('GET', '/audit-log', undefined, { ...query })

export const listConversations = (limit: number, offset: number) => request<{ conversations: ConversationSummary[] }>('GET', '/conversations', undefined, { limit, offset })
export const fetchConversation = (id: string) => request<ConversationDetail>('GET', `/conversations/${encodeURIComponent(id)}`)
export const replyToConversation = (id: string, content: string) => request<ConversationDetail>('POST', `/conversations/${encodeURIComponent(id)}/reply`, { content })

/**
 * 下载完成情况报表: a file needs the session's bearer token, so it is fetched here and handed to
 * the browser as a download (a plain link could not carry the token).
 */
export async function downloadCompletionReport(query: CompletionReportQuery): Promise<string> {
  const url = new URL('/api/staff/stats/completion-report', window.location.origin)
  for (const [key, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(key, String(value))
  const res = await fetch(url, { headers: session.token ? { authorization: `Bearer ${session.token}` } : {}, cache: 'no-store' })
  if (!res.ok) {
    const data = (await res.json().catch(() => null)) as { code?: string; message?: string } | null
    throw new ApiError(res.status, data?.code ?? 'HTTP_ERROR', data?.message ?? `下载失败（${res.status}）`)
  }
  const name = /filename\*=UTF-8''([^;]+)/.exec(res.headers.get('content-disposition') ?? '')?.[1]
  const fileName = name ? decodeURIComponent(name) : '完成情况报表.xlsx'
  const link = document.createElement('a')
  link.href = URL.createObjectURL(await res.blob())
  link.download = fileName
  document.body.append(link)
  link.click()
  link.remove()
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000)
  return fileName
}
