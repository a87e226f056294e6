import { Type, type Static } from 'typebox'
import { PlainText, RequiredText, TimestampSchema } from './common.ts'
import { PASSWORD_MAX_LENGTH } from './password.ts'
import { ClosedObject } from './schema-helpers.ts'

// Fields several forms share. The schema only bounds them; the service checks the rules
// (id-number.ts, phone.ts, password.ts), so a wrong value gets its own message.
const PhoneText = RequiredText(20)
const SmsCodeText = RequiredText(10)
/** A name, ID number or account as typed. */
const PersonText = RequiredText(40)
/** A password being chosen (注册, 忘记密码): a little over the policy's maximum, so passwordProblem names the limit. */
const NewPasswordText = RequiredText(PASSWORD_MAX_LENGTH + 8)
/** A password at sign-in and at 修改密码. */
const PasswordText = RequiredText(64)

/** 注册: the data printed on the certificate, so the form warns they must be true and exact (ACC-1). */
export const RegisterBodySchema = ClosedObject({
  realName: PersonText,
  idNumber: PersonText,
  phone: PhoneText,
  smsCode: SmsCodeText,
  password: NewPasswordText,
  /** 同意《隐私政策》 (PRIVACY_POLICY_VERSION): registration is refused without it. */
  agreePolicy: Type.Optional(Type.Boolean()),
  /** The separate consent to process the ID number as sensitive personal information (PIPL art. 29). */
  consentSensitiveId: Type.Optional(Type.Boolean()),
})
export type RegisterBody = Static<typeof RegisterBodySchema>

/** 登录: `account` is the ID number (the username) or the phone number (ACC-2). */
export const LoginBodySchema = ClosedObject({ account: PersonText, password: PasswordText })
export type LoginBody = Static<typeof LoginBodySchema>

export const SmsPurposeSchema = Type.Union([Type.Literal('register'), Type.Literal('reset_password')])
export type SmsPurposeValue = Static<typeof SmsPurposeSchema>

export const SendSmsCodeBodySchema = ClosedObject({ phone: PhoneText, purpose: SmsPurposeSchema })
export type SendSmsCodeBody = Static<typeof SendSmsCodeBodySchema>

export const SendSmsCodeResultSchema = ClosedObject({ resendAfterSeconds: Type.Integer(), expiresInSeconds: Type.Integer() })
export type SendSmsCodeResult = Static<typeof SendSmsCodeResultSchema>

/** 忘记密码: phone + SMS code → new password (ACC-3). */
export const ResetPasswordBodySchema = ClosedObject({
  phone: PhoneText,
  smsCode: SmsCodeText,
  newPassword: NewPasswordText,
})
export type ResetPasswordBody = Static<typeof ResetPasswordBodySchema>

/** The signed-in learner as they see themselves; ID number and phone are masked (ACC-6). */
export const MeSchema = ClosedObject({
  id: Type.Integer(),
  realName: Type.String(),
  idNumberMasked: Type.String(),
  phoneMasked: Type.String(),
  wechatBound: Type.Boolean(),
  /** Name and ID number are certificate data: locked once a certificate exists. */
  certificateDataLocked: Type.Boolean(),
  /** An account staff created with a one-time initial password (ACC-5): a new password comes first. */
  mustChangePassword: Type.Boolean(),
  createdAt: TimestampSchema,
})
export type Me = Static<typeof MeSchema>

/** 修改密码: the current (or initial) password and the new one. */
export const ChangePasswordBodySchema = ClosedObject({ currentPassword: PasswordText, newPassword: PasswordText })
export type ChangePasswordBody = Static<typeof ChangePasswordBodySchema>

/** A short-lived access token; the refresh token travels only in an httpOnly cookie. */
export const SessionSchema = ClosedObject({
  accessToken: Type.String(),
  expiresInSeconds: Type.Integer(),
  user: MeSchema,
  /** True when this sign-in also bound the WeChat account the learner came from. */
  wechatBoundNow: Type.Boolean(),
})
export type Session = Static<typeof SessionSchema>

/** What the H5 needs to know about a pending WeChat sign-in (an unbound openid in this browser). */
export const WechatPendingSchema = ClosedObject({ pending: Type.Boolean() })
export type WechatPending = Static<typeof WechatPendingSchema>

export const DevSmsOutboxQuerySchema = ClosedObject({ phone: PlainText({ maxLength: 20 }) })
export const DevSmsOutboxSchema = ClosedObject({
  /** The codes the server accepts now (at most one per purpose), so nobody guesses from the list. */
  current: Type.Array(ClosedObject({ purpose: Type.String(), code: Type.String(), expiresAt: TimestampSchema })),
  messages: Type.Array(
    ClosedObject({
      phone: Type.String(),
      purpose: Type.String(),
      code: Type.String(),
      sentAt: TimestampSchema,
      status: Type.Union([
        Type.Literal('current'),
        Type.Literal('superseded'),
        Type.Literal('used'),
        Type.Literal('expired'),
        Type.Literal('locked'),
        Type.Literal('initial_password'),
      ]),
      note: Type.String(),
    }),
  ),
})
export type DevSmsOutbox = Static<typeof DevSmsOutboxSchema>

/** Where the OAuth round-trip lands back in the H5. */
export const WechatStartQuerySchema = ClosedObject({
  returnTo: Type.Optional(PlainText({ maxLength: 512 })),
  /** Set by our own callback when it restarts authorisation once after a bad code. */
  retry: Type.Optional(Type.Literal('1')),
})
export const WechatCallbackQuerySchema = Type.Object(
  {
    code: Type.Optional(PlainText({ maxLength: 512 })),
    state: Type.Optional(PlainText({ maxLength: 256 })),
  },
  { additionalProperties: true },
)

export { HELP_CONTACTS, type Hotline } from './help-contacts.ts'

/** POST /api/me/consents: both consents for the current 隐私政策 version. */
export const ConsentBodySchema = ClosedObject({ agreePolicy: Type.Boolean(), consentSensitiveId: Type.Boolean() })
export type ConsentBody = Static<typeof ConsentBodySchema>
