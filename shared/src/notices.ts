import { Type, type Static } from 'typebox'
import { ClosedObject } from './schema-helpers.ts'

/**
 * 在线客服 conversations for staff: what a learner wrote to the Official Account, the automatic
 * answer, staff replies, and the learner's account beside it with personal data masked.
 */

export const LearnerBriefSchema = ClosedObject({
  userId: Type.Integer(),
  maskedName: Type.String(),
  maskedPhone: Type.String(),
  maskedIdNumber: Type.String(),
  plans: Type.Array(ClosedObject({ title: Type.String(), year: Type.Integer(), completed: Type.Boolean() })),
})
export type LearnerBrief = Static<typeof LearnerBriefSchema>

export const ConversationSummarySchema = ClosedObject({
  /** The conversation (the learner's openid of our Official Account). */
  id: Type.String(),
  learner: Type.Union([LearnerBriefSchema, Type.Null()]),
  lastMessage: Type.String(),
  lastAt: Type.String({ format: 'date-time' }),
  /** Within 48 hours of the learner's last message: staff can still answer through the Official Account. */
  canReply: Type.Boolean(),
})
export type ConversationSummary = Static<typeof ConversationSummarySchema>

export const ConversationListSchema = ClosedObject({ conversations: Type.Array(ConversationSummarySchema) })

export const ConversationListQuerySchema = ClosedObject({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000, default: 0 })),
})

export const ConversationDetailSchema = ClosedObject({
  id: Type.String(),
  learner: Type.Union([LearnerBriefSchema, Type.Null()]),
  canReply: Type.Boolean(),
  repliesLeft: Type.Integer({ minimum: 0 }),
  messages: Type.Array(
    ClosedObject({
      /** in: the learner; auto: our automatic answer; out: a staff reply. */
      direction: Type.String(),
      content: Type.String(),
      at: Type.String({ format: 'date-time' }),
    }),
  ),
})
export type ConversationDetail = Static<typeof ConversationDetailSchema>

export const ConversationParamsSchema = ClosedObject({ id: Type.String({ minLength: 6, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' }) })

export const ConversationReplyBodySchema = ClosedObject({ content: Type.String({ minLength: 1, maxLength: 600 }) })
export type ConversationReplyBody = Static<typeof ConversationReplyBodySchema>

/** The notice kinds (server notices.config.ts NOTICE_KINDS). */
export const NoticeKindSchema = Type.Union(
  ['payment_succeeded', 'group_enrolled', 'transfer_confirmed', 'certificate_ready', 'invoice_issued', 'invoice_reversed', 'password_reset', 'phone_changed', 'deadline_reminder'].map((k) => Type.Literal(k)),
)

/** 发送测试通知: to the staff member's own openid of our Official Account. */
export const TestNoticeBodySchema = ClosedObject({
  openid: Type.String({ minLength: 6, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' }),
  kind: Type.Optional(NoticeKindSchema),
})

export const TestNoticeResultSchema = ClosedObject({
  /** WeChat's answer: 0 sent; 43004 not following; 43101 no subscription; 40037 no such template … */
  errcode: Type.Integer(),
  errmsg: Type.String(),
  msgid: Type.Union([Type.String(), Type.Null()]),
  templateId: Type.String(),
  channel: Type.String(),
})

/** The 订阅通知 templates the H5 offers in wx-open-subscribe (null: that notice is not a 订阅通知). */
export const SubscribeTemplatesSchema = ClosedObject({
  deadlineReminder: Type.Union([Type.String(), Type.Null()]),
})
export type SubscribeTemplates = Static<typeof SubscribeTemplatesSchema>
