import type { ClosureCheck, MyData, MyDataExportLink } from '@app/shared/privacy'
import { http } from './http.ts'

// 我的个人信息 and 注销账号 (PIPL art. 44–47): the signed-in learner's own data only.

/** GET /api/privacy/my-data: everything held about the learner; ID number and phone masked unless `reveal`. */
export function fetchMyData(reveal: boolean, signal?: AbortSignal): Promise<MyData> {
  return http.get<MyData>('/privacy/my-data', { params: reveal ? { reveal: true } : {}, signal })
}

/**
 * POST /api/privacy/my-data/export-link: a 15-minute signed link to the .xlsx, followed as a plain
 * navigation (inside WeChat a download cannot carry the access token).
 */
export function createMyDataExportLink(): Promise<MyDataExportLink> {
  return http.post<MyDataExportLink>('/privacy/my-data/export-link')
}

/** GET /api/privacy/closure: whether 注销账号 would pass now, and what it removes and keeps. */
export function fetchClosureCheck(signal?: AbortSignal): Promise<ClosureCheck> {
  return http.get<ClosureCheck>('/privacy/closure', { signal })
}

/**
 * POST /api/privacy/closure: 注销账号 with the password. 409 CLOSURE_ORDER_PENDING /
 * CLOSURE_INVOICE_IN_PROGRESS / CLOSURE_REFUND_IN_PROGRESS (the request is recorded for staff),
 * 400 CURRENT_PASSWORD_WRONG.
 */
export async function closeAccount(password: string): Promise<void> {
  await http.post<{ closedAt: string }>('/privacy/closure', { password, confirm: true })
}
