import { ErrorCode } from '@app/shared'
import { defineError } from '../../core/errors.ts'

export const StaffOrderNotFoundError = defineError(ErrorCode.STAFF_ORDER_NOT_FOUND, '订单不存在', 404)
export const RefundNotFoundError = defineError(ErrorCode.REFUND_NOT_FOUND, '该订单没有这笔退款', 404)
/** WeChat Pay did not take the refund (or its answer was lost): the row is kept, 刷新状态 sends it again with the same number. */
export const RefundSubmitFailedError = defineError(ErrorCode.REFUND_SUBMIT_FAILED, '微信支付暂未受理退款（退款单已记录），请稍后点击「刷新状态」重新提交，不会重复退款', 502)
/** 退款 is not offered for this order now; the message says why (same code as the command line's refusal). */
export const RefundNotAllowedByConsoleError = defineError(ErrorCode.REFUND_NOT_ALLOWED, '%s', 409)
