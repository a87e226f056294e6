import { ErrorCode } from '@app/shared'
import { defineError } from '../../core/errors.ts'

export const InvoiceNotFoundError = defineError(ErrorCode.INVOICE_NOT_FOUND, '发票或订单不存在', 404)
/** A rule refuses the action; the message names the rule (INV-3), e.g. 「不能跨年补开发票…」. */
export const InvoiceNotAllowedError = defineError(ErrorCode.INVOICE_NOT_ALLOWED, '%s', 409)
export const InvoiceAlreadyAppliedError = defineError(ErrorCode.INVOICE_ALREADY_APPLIED, '该订单已申请过发票，每个订单只能开具一张发票', 409)
export const InvoiceDetailsInvalidError = defineError(ErrorCode.INVOICE_INVALID, '%s', 400)
/** The taxpayer id failed its GB 32100 check: the H5 asks the learner to confirm and sends again. */
export const TaxpayerIdUnconfirmedError = defineError(ErrorCode.TAXPAYER_ID_UNCONFIRMED, '%s', 409)
export const InvoiceFileUnavailableError = defineError(ErrorCode.INVOICE_FILE_UNAVAILABLE, '发票文件暂时无法获取，请稍后重试', 503)
/** 「发送到邮箱」 too often: the message says when it can be sent again. */
export const InvoiceEmailLimitedError = defineError(ErrorCode.INVOICE_EMAIL_LIMITED, '%s', 429)
