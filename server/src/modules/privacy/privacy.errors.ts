import { ErrorCode } from '@app/shared'
import { defineError } from '../../core/errors.ts'

// Why 注销账号 is refused: each check has its own stable code, and the message says what to do.
export const ClosureOrderPendingError = defineError(ErrorCode.CLOSURE_ORDER_PENDING, '您有未支付的订单，请先在「我的订单」中完成支付或取消订单，再注销账号', 409)
export const ClosureInvoiceInProgressError = defineError(ErrorCode.CLOSURE_INVOICE_IN_PROGRESS, '您有正在开具或红冲的发票，请在「我的发票」中等待开具完成后再注销账号', 409)
export const ClosureRefundInProgressError = defineError(ErrorCode.CLOSURE_REFUND_IN_PROGRESS, '您有正在处理的退款，请等待退款完成后再注销账号', 409)
export const ClosureNotFoundError = defineError(ErrorCode.CLOSURE_NOT_FOUND, '没有这条注销申请', 404)
export const AccountAlreadyClosedError = defineError(ErrorCode.ACCOUNT_ALREADY_CLOSED, '该账号已注销', 409)
