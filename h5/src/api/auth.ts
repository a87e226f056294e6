import type {
  ChangePasswordBody,
  ConsentBody,
  LoginBody,
  Me,
  RegisterBody,
  ResetPasswordBody,
  SendSmsCodeBody,
  SendSmsCodeResult,
  Session,
  WechatPending,
} from '@app/shared/auth'
import { ErrorCode } from '@app/shared/error-codes'
import { ApiError, http } from './http.ts'

// Sign-in endpoints carry the httpOnly refresh cookie (path /api/auth), never the bearer token, and
// run outside the session plumbing (`skipSession`): see SessionBridge in http.ts.
const outsideSession = { skipSession: true } as const

/** POST /api/auth/sms-codes: texts a code for 注册 or 忘记密码; 429 when asked again too soon. */
export function sendSmsCode(body: SendSmsCodeBody): Promise<SendSmsCodeResult> {
  return http.post<SendSmsCodeResult>('/auth/sms-codes', body, outsideSession)
}

/** POST /api/auth/register: creates the account and signs in (201), binding a pending WeChat. */
export function registerAccount(body: RegisterBody): Promise<Session> {
  return http.post<Session>('/auth/register', body, outsideSession)
}

/** POST /api/auth/login: ID number or phone + password; 401 INVALID_CREDENTIALS 「用户名或密码错误」. */
export function login(body: LoginBody): Promise<Session> {
  return http.post<Session>('/auth/login', body, outsideSession)
}

/**
 * POST /api/auth/refresh: the refresh cookie buys a new access token; 401 SESSION_EXPIRED for a
 * cookie no longer valid, 409 on a race. No cookie at all answers 204, turned here into the same
 * signed-out error, so callers see one shape.
 */
export async function refreshSession(): Promise<Session> {
  const session = await http.post<Session | null | ''>('/auth/refresh', undefined, outsideSession)
  if (!session) throw new ApiError({ status: 401, code: ErrorCode.SESSION_EXPIRED, message: '登录已过期，请重新登录' })
  return session
}

/** POST /api/auth/logout: ends this device's session and clears the cookie (204). */
export async function logout(): Promise<void> {
  await http.post<null>('/auth/logout', undefined, outsideSession)
}

/** POST /api/auth/password-reset: phone + SMS code → new password; every session ends (204). */
export async function resetPassword(body: ResetPasswordBody): Promise<void> {
  await http.post<null>('/auth/password-reset', body, outsideSession)
}

/** GET /api/auth/wechat/pending: whether this browser holds an unbound WeChat identity. */
export function fetchWechatPending(): Promise<WechatPending> {
  return http.get<WechatPending>('/auth/wechat/pending', outsideSession)
}

/** GET /api/me: the signed-in learner (masked ID number and phone). */
export function fetchMe(signal?: AbortSignal): Promise<Me> {
  return http.get<Me>('/me', { signal })
}

/** DELETE /api/me/wechat-binding: 「解除绑定」. */
export async function unbindWechat(): Promise<void> {
  await http.delete<null>('/me/wechat-binding')
}

/** POST /api/me/consents: the 隐私政策 and the separate ID-number consent for the current version (204). */
export async function giveConsents(body: ConsentBody): Promise<void> {
  await http.post<null>('/me/consents', body)
}

/** PUT /api/me/password: 修改密码, also the first step after signing in with an initial password (204). */
export async function changePassword(body: ChangePasswordBody): Promise<void> {
  await http.put<null>('/me/password', body)
}
