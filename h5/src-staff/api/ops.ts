import type {
  BulkRegistrationOutcome,
  BulkRegistrationRunPage,
  GoLiveReportView,
  StaffContentImport,
  StaffInvoiceListQuery,
  StaffInvoicePage,
  StaffInvoiceRetry,
  StaffProjectPage,
} from '@app/shared/staff-ops'
import { session } from '../session'
import { ApiError, isApiError, request } from './http'

/** The console's operations pages (docs/staff.md): 批量注册, 发票, 课程与项目, 系统检查. */

/**
 * A file up or down (an upload's bytes, a workbook back): the same token, errors and lock screen as
 * `request`, with the body and answer as bytes.
 */
async function sendFile(method: 'GET' | 'POST', path: string, body: { bytes: Blob; type: string } | { json: unknown } | undefined, query: Record<string, string> = {}): Promise<Response> {
  for (;;) {
    const url = new URL(`/api/staff${path}`, window.location.origin)
    for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value)
    const headers: Record<string, string> = {}
    if (session.token) headers.authorization = `Bearer ${session.token}`
    let payload: BodyInit | undefined
    if (body && 'bytes' in body) {
      headers['content-type'] = body.type
      payload = body.bytes
    } else if (body) {
      headers['content-type'] = 'application/json'
      payload = JSON.stringify(body.json)
    }
    let res: Response
    try {
      res = await fetch(url, { method, headers, body: payload, cache: 'no-store' })
    } catch {
      throw new ApiError(0, 'NETWORK_ERROR', '网络连接失败，请检查网络后重试')
    }
    if (res.ok) return res
    const data = (await res.json().catch(() => null)) as { code?: string; message?: string } | null
    const error = new ApiError(res.status, data?.code ?? 'HTTP_ERROR', data?.message ?? `请求失败（${res.status}）`)
    if (isApiError(error, 'STAFF_SESSION_LOCKED') && session.token) {
      await session.waitForUnlock()
      continue
    }
    if (isApiError(error, 'STAFF_UNAUTHORIZED') && session.token) session.signedOut('登录已失效，请重新登录')
    throw error
  }
}

/** Saves an answer's bytes under a file name (a link clicked on the page's behalf). */
export async function saveDownload(res: Response, fileName: string): Promise<void> {
  const url = URL.createObjectURL(await res.blob())
  const link = document.createElement('a')
  link.href = url
  link.download = fileName
  document.body.append(link)
  link.click()
  link.remove()
  setTimeout(() => URL.revokeObjectURL(url), 60_000)
}

const SHEET_TYPES: Record<string, string> = { xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', csv: 'text/csv' }

export async function uploadBulkSheet(file: File): Promise<BulkRegistrationOutcome> {
  const extension = file.name.toLowerCase().split('.').pop() ?? ''
  const res = await sendFile('POST', '/bulk-registrations', { bytes: file, type: SHEET_TYPES[extension] ?? 'application/octet-stream' }, { fileName: file.name })
  return (await res.json()) as BulkRegistrationOutcome
}
export const listBulkRuns = (page: number, pageSize: number) => request<BulkRegistrationRunPage>('GET', '/bulk-registrations', undefined, { page, pageSize })
export const downloadBulkTemplate = async () => saveDownload(await sendFile('GET', '/bulk-registrations/template.xlsx', undefined), '附件2-批量注册名单模板.xlsx')
export const downloadBulkResult = async (result: BulkRegistrationOutcome) =>
  saveDownload(await sendFile('POST', '/bulk-registrations/result-sheet', { json: { counts: result.counts, rows: result.rows } }), '批量注册导入结果.xlsx')

export const listInvoices = (query: StaffInvoiceListQuery) => request<StaffInvoicePage>('GET', '/invoices', undefined, { ...query })
export const retryInvoice = (id: number, reason: string) => request<StaffInvoiceRetry>('POST', `/invoices/${id}/retry`, { reason })

export const listProjects = (page: number, pageSize: number, emptyBanksOnly: boolean) =>
  request<StaffProjectPage>('GET', '/catalogue/projects', undefined, { page, pageSize, ...(emptyBanksOnly ? { emptyBanksOnly: 'true' } : {}) })
export const setProjectPublished = (id: number, published: boolean, reason: string) => request<void>('POST', `/catalogue/projects/${id}/publish`, { published, reason })
export async function importManifest(file: File): Promise<StaffContentImport> {
  const res = await sendFile('POST', '/catalogue/imports', { bytes: file, type: 'application/octet-stream' }, { fileName: file.name })
  return (await res.json()) as StaffContentImport
}

export const runGoLiveCheck = () => request<GoLiveReportView>('POST', '/golive-check')
