import { Type, type Static } from 'typebox'
import { PASSWORD_MAX_LENGTH } from './password.ts'

/** 注册: the data printed on the certificate, so the form warns they must be true and exact (ACC-1). */
export const RegisterBodySchema = Type.Object(
  {
    realName: Type.String({ minLength: 1, maxLength: 40 }),
    idNumber: Type.String({ minLength: 1, maxLength: 40 }),
    phone: Type.String({ minLength: 1, maxLength: 20 }),
    smsCode: Type.String({ minLength: 1, maxLength: 10 }),
    password: Type.String({ minLength: 1, maxLength: PASSWORD_MAX_LENGTH + 8 }),
  },
  { additionalProperties: false },
)
export type RegisterBody = Static<typeof RegisterBodySchema>

/** 登录: `account` is the ID number (the username) or the phone number (ACC-2). */
export const LoginBodySchema = Type.Object(
  {
    account: Type.String({ minLength: 1, maxLength: 40 }),
    password: Type.String({ minLength: 1, maxLength: 64 }),
  },
  { additionalProperties: false },
)
export type LoginBody = Static<typeof LoginBodySchema>

export const SmsPurposeSchema = Type.Union([Type.Literal('register'), Type.Literal('reset_password')])
export type SmsPurposeValue = Static<typeof SmsPurposeSchema>

export const SendSmsCodeBodySchema = Type.Object(
  { phone: Type.String({ minLength: 1, maxLength: 20 }), purpose: SmsPurposeSchema },
  { additionalProperties: false },
)
export type SendSmsCodeBody = Static<typeof SendSmsCodeBodySchema>

export const SendSmsCodeResultSchema = Type.Object(
  { resendAfterSeconds: Type.Integer(), expiresInSeconds: Type.Integer() },
  { additionalProperties: false },
)
export type SendSmsCodeResult = Static<typeof SendSmsCodeResultSchema>

/** 忘记密码: phone + SMS code → new password (ACC-3). */
export const ResetPasswordBodySchema = Type.Object(
  {
    phone: Type.String({ minLength: 1, maxLength: 20 }),
    smsCode: Type.String({ minLength: 1, maxLength: 10 }),
    newPassword: Type.String({ minLength: 1, maxLength: PASSWORD_MAX_LENGTH + 8 }),
  },
  { additionalProperties: false },
)
export type ResetPasswordBody = Static<typeof ResetPasswordBodySchema>

/** The signed-in learner as they see themselves; ID number and phone are masked (ACC-6). */
export const MeSchema = Type.Object(
  {
    id: Type.Integer(),
    realName: Type.String(),
    idNumberMasked: Type.String(),
    phoneMasked: Type.String(),
    wechatBound: Type.Boolean(),
    /** Name and ID number are certificate data: locked once a certificate exists. */
    certificateDataLocked: Type.Boolean(),
    /** An account staff created with a one-time initial password (ACC-5): a new password comes first. */
    mustChangePassword: Type.Boolean(),
    createdAt: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
)
export type Me = Static<typeof MeSchema>

/** 修改密码: the current (or initial) password and the new one. */
export const ChangePasswordBodySchema = Type.Object(
  {
    currentPassword: Type.String({ minLength: 1, maxLength: 64 }),
    newPassword: Type.String({ minLength: 1, maxLength: 64 }),
  },
  { additionalProperties: false },
)
export type ChangePasswordBody = Static<typeof ChangePasswordBodySchema>

/** A short-lived access token; the refresh token travels only in an httpOnly cookie. */
export const SessionSchema = Type.Object(
  {
    accessToken: Type.String(),
    expiresInSeconds: Type.Integer(),
    user: MeSchema,
    /** True when this sign-in also bound the WeChat account the learner came from. */
    wechatBoundNow: Type.Boolean(),
  },
  { additionalProperties: false },
)
export type Session = Static<typeof SessionSchema>

/** What the H5 needs to know about a pending WeChat sign-in (an unbound openid in this browser). */
export const WechatPendingSchema = Type.Object(
  { pending: Type.Boolean() },
  { additionalProperties: false },
)
export type WechatPending = Static<typeof WechatPendingSchema>

export const DevSmsOutboxQuerySchema = Type.Object({ phone: Type.String({ maxLength: 20 }) }, { additionalProperties: false })
export const DevSmsOutboxSchema = Type.Object(
  {
    messages: Type.Array(
      Type.Object(
        { phone: Type.String(), purpose: Type.String(), code: Type.String(), sentAt: Type.String({ format: 'date-time' }) },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
)
export type DevSmsOutbox = Static<typeof DevSmsOutboxSchema>

/** Where the OAuth round-trip lands back in the H5. */
export const WechatStartQuerySchema = Type.Object(
  {
    returnTo: Type.Optional(Type.String({ maxLength: 512 })),
    /** Set by our own callback when it restarts authorisation once after a bad code. */
    retry: Type.Optional(Type.Literal('1')),
  },
  { additionalProperties: false },
)
export const WechatCallbackQuerySchema = Type.Object(
  {
    code: Type.Optional(Type.String({ maxLength: 512 })),
    state: Type.Optional(Type.String({ maxLength: 256 })),
  },
  { additionalProperties: true },
)

/** 咨询方式 (CS-1): the manual's hotlines. */
export const HELP_CONTACTS = {
  accountHotline: { number: '400-023-9229', extension: '1', label: '账号注册、登录、证书问题咨询' },
  technicalHotline: { number: '400-618-7500', extension: '2', label: '学习技术咨询热线' },
} as const
