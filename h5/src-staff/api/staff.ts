import type {
  LearnerDetail,
  LearnerPage,
  LearnerPasswordReset,
  LearnerPhoneChangeBody,
  LearnerProfileCorrectionBody,
  LearnerReveal,
  LearnerSearchQuery,
  LearnerTimeline,
  StaffAccountCreateBody,
  StaffAccountPage,
  StaffOneTimePassword,
  StaffProfile,
  StaffSession,
  StaffSignInBody,
  StaffSignInNextStep,
  StaffUnlockBody,
} from '@app/shared/staff-console'
import { request, sendDirect } from './http'

/** One typed function per console endpoint (docs/staff.md). */

export const signIn = (body: StaffSignInBody) => sendDirect<StaffSession | StaffSignInNextStep>('POST', '/session', body, undefined)
export const unlock = (body: StaffUnlockBody) => sendDirect<StaffSession>('POST', '/session/unlock', body, undefined)
export const signOut = () => sendDirect<void>('DELETE', '/session', undefined, undefined)
export const fetchMe = () => request<StaffProfile>('GET', '/me')
export const changeOwnPassword = (currentPassword: string, newPassword: string) => request<void>('POST', '/me/password', { currentPassword, newPassword })

export const listStaffAccounts = (page: number, pageSize: number) => request<StaffAccountPage>('GET', '/accounts', undefined, { page, pageSize })
export const createStaffAccount = (body: StaffAccountCreateBody) => request<StaffOneTimePassword>('POST', '/accounts', body)
export const setStaffAccountDisabled = (id: number, disabled: boolean) => request<void>('POST', `/accounts/${id}/${disabled ? 'disable' : 'enable'}`, {})
export const resetStaffPassword = (id: number) => request<StaffOneTimePassword>('POST', `/accounts/${id}/reset-password`, {})
export const resetStaffTotp = (id: number) => request<void>('POST', `/accounts/${id}/reset-totp`, {})

export const searchLearners = (query: LearnerSearchQuery) => request<LearnerPage>('GET', '/learners', undefined, { ...query })
export const fetchLearner = (id: number) => request<LearnerDetail>('GET', `/learners/${id}`)
export const fetchTimeline = (id: number, courseId: number, page: number, pageSize: number) =>
  request<LearnerTimeline>('GET', `/learners/${id}/timeline`, undefined, { courseId, page, pageSize })
export const revealLearnerField = (id: number, field: 'id_number' | 'phone', reason: string) => request<LearnerReveal>('POST', `/learners/${id}/reveal`, { field, reason })
export const resetLearnerPassword = (id: number, reason: string) => request<LearnerPasswordReset>('POST', `/learners/${id}/reset-password`, { reason })
export const changeLearnerPhone = (id: number, body: LearnerPhoneChangeBody) => request<void>('POST', `/learners/${id}/phone`, body)
export const unbindLearnerWechat = (id: number, reason: string) => request<void>('POST', `/learners/${id}/unbind-wechat`, { reason })
export const setLearnerDisabled = (id: number, disabled: boolean, reason: string) =>
  request<void>('POST', `/learners/${id}/${disabled ? 'disable' : 'enable'}`, { reason })
export const correctLearnerProfile = (id: number, body: LearnerProfileCorrectionBody) => request<void>('POST', `/learners/${id}/profile`, body)
