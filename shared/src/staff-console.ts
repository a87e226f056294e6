import { Type, type Static } from 'typebox'
import { FenSchema, IdSchema, PlainText, RequiredText, TimestampSchema } from './common.ts'
import { ClosedObject, Nullable } from './schema-helpers.ts'

export * from './staff-roles.ts'

/**
 * Schemas of the staff console's API (`/api/staff/…`, docs/staff.md). ID numbers and phones leave
 * the server masked, except through the reveal route, which records the reason and answers one field.
 */

export const StaffRoleSchema = Type.Union([Type.Literal('operator'), Type.Literal('finance'), Type.Literal('admin')])

const TotpCode = Type.String({ pattern: '^[0-9]{6}$' })
const Username = Type.String({ minLength: 1, maxLength: 32, pattern: '^[^\\u0000-\\u001F\\u007F]*$' })
const Password = Type.String({ minLength: 1, maxLength: 128 })

/** 登录: username and password, then (second request) the authenticator's 6-digit code. */
export const StaffSignInBodySchema = ClosedObject({ username: Username, password: Password, totpCode: Type.Optional(TotpCode) })
export type StaffSignInBody = Static<typeof StaffSignInBodySchema>

export const StaffSchema = ClosedObject({
  id: IdSchema,
  username: Type.String(),
  role: StaffRoleSchema,
  /** An account created or reset by an admin signs in with a one-time password and must set its own first. */
  mustChangePassword: Type.Boolean(),
})
export type StaffProfile = Static<typeof StaffSchema>

/** A signed-in console: an opaque bearer token of a server-side session. */
export const StaffSessionSchema = ClosedObject({
  token: Type.String(),
  staff: StaffSchema,
  /** Idle minutes after which the session locks (the console shows the lock screen). */
  idleMinutes: Type.Integer(),
  /** The session's hard end, however active it is. */
  expiresAt: TimestampSchema,
})
export type StaffSession = Static<typeof StaffSessionSchema>

/**
 * The password was right and a second factor is due: `totp` (type the app's code) or `totp_setup`
 * (first sign-in: scan this otpauth:// URI as a QR code, then type the code it shows).
 */
export const StaffSignInNextStepSchema = ClosedObject({
  next: Type.Union([Type.Literal('totp'), Type.Literal('totp_setup')]),
  otpauthUri: Type.Optional(Type.String()),
  /** The same secret in Base32, for typing into an app by hand. */
  secret: Type.Optional(Type.String()),
})
export type StaffSignInNextStep = Static<typeof StaffSignInNextStepSchema>

/** 解锁: a locked session continues after the password and a fresh code. */
export const StaffUnlockBodySchema = ClosedObject({ password: Password, totpCode: TotpCode })
export type StaffUnlockBody = Static<typeof StaffUnlockBodySchema>

export const StaffPasswordChangeBodySchema = ClosedObject({ currentPassword: Password, newPassword: Type.String({ minLength: 12, maxLength: 128 }) })
export type StaffPasswordChangeBody = Static<typeof StaffPasswordChangeBodySchema>

/** Paging every console list uses: pages of at most 100 rows, counted on the server. */
export const ConsolePageQuerySchema = {
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000, default: 1 })),
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
}

// —— 工作人员 (admins) ——

export const StaffAccountSchema = ClosedObject({
  id: IdSchema,
  username: Type.String(),
  role: StaffRoleSchema,
  createdAt: TimestampSchema,
  disabledAt: Nullable(TimestampSchema),
  totpEnrolled: Type.Boolean(),
  mustChangePassword: Type.Boolean(),
  lastSignInAt: Nullable(TimestampSchema),
})
export type StaffAccount = Static<typeof StaffAccountSchema>

export const StaffAccountListQuerySchema = ClosedObject({ ...ConsolePageQuerySchema })
export type StaffAccountListQuery = Static<typeof StaffAccountListQuerySchema>
export const StaffAccountPageSchema = ClosedObject({ items: Type.Array(StaffAccountSchema), total: Type.Integer(), page: Type.Integer(), pageSize: Type.Integer() })
export type StaffAccountPage = Static<typeof StaffAccountPageSchema>

export const StaffAccountCreateBodySchema = ClosedObject({
  username: Type.String({ pattern: '^[a-z][a-z0-9._-]{2,31}$', maxLength: 32 }),
  role: StaffRoleSchema,
})
export type StaffAccountCreateBody = Static<typeof StaffAccountCreateBodySchema>

/** A new account or a reset password: the one-time password is shown once and never stored in clear. */
export const StaffOneTimePasswordSchema = ClosedObject({ account: StaffAccountSchema, oneTimePassword: Type.String() })
export type StaffOneTimePassword = Static<typeof StaffOneTimePasswordSchema>

// —— 学员 ——

export const LEARNER_SEARCH_KINDS = ['id_number', 'phone', 'name'] as const
export type LearnerSearchKind = (typeof LEARNER_SEARCH_KINDS)[number]

/** 查找学员: an exact ID number, an exact phone, or an exact name (optionally narrowed by 单位). */
export const LearnerSearchQuerySchema = ClosedObject({
  by: Type.Union([Type.Literal('id_number'), Type.Literal('phone'), Type.Literal('name')]),
  q: RequiredText(40),
  unit: Type.Optional(PlainText({ maxLength: 100 })),
  ...ConsolePageQuerySchema,
})
export type LearnerSearchQuery = Static<typeof LearnerSearchQuerySchema>

export const LearnerListItemSchema = ClosedObject({
  id: IdSchema,
  realName: Type.String(),
  idNumberMasked: Type.String(),
  phoneMasked: Type.String(),
  /** 单位 from the unit's registration sheet or the latest certificate, when known. */
  unitName: Nullable(Type.String()),
  createdAt: TimestampSchema,
  disabled: Type.Boolean(),
})
export type LearnerListItem = Static<typeof LearnerListItemSchema>

export const LearnerPageSchema = ClosedObject({ items: Type.Array(LearnerListItemSchema), total: Type.Integer(), page: Type.Integer(), pageSize: Type.Integer() })
export type LearnerPage = Static<typeof LearnerPageSchema>

const ChapterProgressSchema = ClosedObject({
  chapterId: IdSchema,
  title: Type.String(),
  durationSeconds: Type.Integer(),
  creditedSeconds: Type.Integer(),
  completedAt: Nullable(TimestampSchema),
})

const CourseProgressSchema = ClosedObject({
  courseId: IdSchema,
  title: Type.String(),
  hours: Type.Number(),
  completedAt: Nullable(TimestampSchema),
  chapters: Type.Array(ChapterProgressSchema),
})

export const LearnerDetailSchema = ClosedObject({
  profile: ClosedObject({
    id: IdSchema,
    realName: Type.String(),
    idNumberMasked: Type.String(),
    phoneMasked: Type.String(),
    unitName: Nullable(Type.String()),
    createdAt: TimestampSchema,
    disabledAt: Nullable(TimestampSchema),
    mustChangePassword: Type.Boolean(),
    /** Name and ID number are certificate data: once one exists staff cannot correct them here (ACC-6). */
    hasCertificate: Type.Boolean(),
  }),
  wechat: ClosedObject({ bound: Type.Boolean(), boundAt: Nullable(TimestampSchema) }),
  orders: Type.Array(
    ClosedObject({
      outTradeNo: Type.String(),
      projectTitle: Type.String(),
      amountFen: FenSchema,
      status: Type.String(),
      /** 个人 (the learner paid) or 团体 (a unit paid for them). */
      kind: Type.Union([Type.Literal('personal'), Type.Literal('group')]),
      createdAt: TimestampSchema,
      paidAt: Nullable(TimestampSchema),
    }),
  ),
  enrollments: Type.Array(
    ClosedObject({
      projectId: IdSchema,
      projectTitle: Type.String(),
      year: Type.Integer(),
      status: Type.String(),
      enrolledAt: TimestampSchema,
      completedAt: Nullable(TimestampSchema),
      countedHours: Type.Number(),
      requiredHours: Type.Number(),
      courses: Type.Array(CourseProgressSchema),
    }),
  ),
  certificates: Type.Array(ClosedObject({ number: Type.String(), projectTitle: Type.String(), issuedOn: Type.String(), organisationName: Type.String() })),
  invoices: Type.Array(
    ClosedObject({ id: IdSchema, outTradeNo: Type.String(), title: Type.String(), amountFen: FenSchema, status: Type.String(), createdAt: TimestampSchema }),
  ),
})
export type LearnerDetail = Static<typeof LearnerDetailSchema>

/** The credited timeline of one course: each playback (when, how long was credited) and each 防挂机 answer. */
export const LearnerTimelineQuerySchema = ClosedObject({ courseId: IdSchema, ...ConsolePageQuerySchema })
export type LearnerTimelineQuery = Static<typeof LearnerTimelineQuerySchema>
export const LearnerTimelineSchema = ClosedObject({
  items: Type.Array(
    ClosedObject({
      kind: Type.Union([Type.Literal('playback'), Type.Literal('answer')]),
      at: TimestampSchema,
      chapterTitle: Type.String(),
      /** playback: seconds credited by it; answer: null. */
      creditedSeconds: Nullable(Type.Integer()),
      /** playback: its last report; answer: null. */
      until: Nullable(TimestampSchema),
      /** answer: whether it was right; playback: null. */
      correct: Nullable(Type.Boolean()),
      /** answer: the question asked; playback: null. */
      question: Nullable(Type.String()),
      /**
       * playback: what it credited, run by run — the video positions (s) from–to, when, how much,
       * and the 防挂机 questions asked and answered in it; answer: empty.
       */
      segments: Type.Array(
        ClosedObject({
          fromSeconds: Type.Number(),
          toSeconds: Type.Number(),
          startedAt: TimestampSchema,
          endedAt: TimestampSchema,
          creditedSeconds: Type.Number(),
          questionsAsked: Type.Integer(),
          answeredRight: Type.Integer(),
          answeredWrong: Type.Integer(),
        }),
      ),
    }),
  ),
  total: Type.Integer(),
  page: Type.Integer(),
  pageSize: Type.Integer(),
})
export type LearnerTimeline = Static<typeof LearnerTimelineSchema>

/** Why a staff member needs to see or change something: recorded in the audit log. */
const Reason = RequiredText(200)

export const LearnerRevealBodySchema = ClosedObject({ field: Type.Union([Type.Literal('id_number'), Type.Literal('phone')]), reason: Reason })
export type LearnerRevealBody = Static<typeof LearnerRevealBodySchema>
export const LearnerRevealSchema = ClosedObject({ field: Type.Union([Type.Literal('id_number'), Type.Literal('phone')]), value: Type.String() })
export type LearnerReveal = Static<typeof LearnerRevealSchema>

export const LearnerReasonBodySchema = ClosedObject({ reason: Reason })
export type LearnerReasonBody = Static<typeof LearnerReasonBodySchema>

export const LearnerPasswordResetSchema = ClosedObject({ phoneMasked: Type.String(), sessionsEnded: Type.Integer(), smsSent: Type.Boolean() })
export type LearnerPasswordReset = Static<typeof LearnerPasswordResetSchema>

/**
 * 更换手机号: only after the caller proved who they are: the staff member types the name and ID
 * number the caller states, and the server compares them with the account (never showing them).
 */
export const LearnerPhoneChangeBodySchema = ClosedObject({
  newPhone: RequiredText(20),
  statedName: RequiredText(40),
  statedIdNumber: RequiredText(20),
  reason: Reason,
})
export type LearnerPhoneChangeBody = Static<typeof LearnerPhoneChangeBodySchema>

/** 更正个人信息 (姓名, 身份证号) while no certificate exists. */
export const LearnerProfileCorrectionBodySchema = ClosedObject({ realName: RequiredText(40), idNumber: RequiredText(20), reason: Reason })
export type LearnerProfileCorrectionBody = Static<typeof LearnerProfileCorrectionBodySchema>
