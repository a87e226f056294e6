import { Type } from 'typebox'
import { PlainText } from './common.ts'

/**
 * Shapes of the staff routes that live in the features (bulk registration, the go-live check, the
 * 对公转账 confirmation); the console's own sign-in and accounts have theirs beside them.
 */

/** 批量注册's upload: which file the body is (its extension decides .xlsx or .csv). */
export const BulkRegistrationQuerySchema = Type.Object(
  {
    fileName: PlainText({ minLength: 5, maxLength: 200 }),
  },
  { additionalProperties: false },
)

/** 批量注册 (ACC-5): the run's counts and every row's outcome, ID numbers and phones masked. */
export const BulkRegistrationResultSchema = Type.Object({
  runId: Type.Integer(),
  counts: Type.Object({ rows: Type.Integer(), created: Type.Integer(), existed: Type.Integer(), invalid: Type.Integer(), smsFailed: Type.Integer() }),
  rows: Type.Array(
    Type.Object({
      line: Type.Integer(),
      name: Type.String(),
      idNumberMasked: Type.String(),
      phoneMasked: Type.String(),
      unit: Type.String(),
      outcome: Type.Union([Type.Literal('created'), Type.Literal('existed'), Type.Literal('invalid')]),
      reason: Type.String(),
      sms: Type.Union([Type.Literal('sent'), Type.Literal('failed'), Type.Null()]),
    }),
  ),
})

const BilingualSchema = Type.Object({ zh: Type.String(), en: Type.String() })
/** 上线检查: the report of `POST /api/staff/golive-check` (the same as `pnpm golive-check`). */
export const GoLiveReportSchema = Type.Object({
  ok: Type.Boolean(),
  mode: Type.Union([Type.Literal('simulator'), Type.Literal('live')]),
  publicBaseUrl: Type.String(),
  checkedAt: Type.String(),
  items: Type.Array(
    Type.Object({
      id: Type.String(),
      verdict: Type.Union([Type.Literal('pass'), Type.Literal('warn'), Type.Literal('fail'), Type.Literal('skip')]),
      title: BilingualSchema,
      detail: BilingualSchema,
      fix: Type.Union([BilingualSchema, Type.Null()]),
    }),
  ),
})

/** 确认对公转账到账 (GRP-3): what the confirmation did and what to return to the unit. */
export const TransferConfirmationSchema = Type.Object(
  {
    outcome: Type.Union([
      Type.Literal('paid'),
      Type.Literal('already_paid'),
      Type.Literal('duplicate_payment'),
      Type.Literal('paid_after_close'),
    ]),
    outTradeNo: Type.String(),
    status: Type.String(),
    /** 应退回单位的金额（分）: seats of learners who had bought for themselves, or a duplicate payment. */
    refundDueFen: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
)
