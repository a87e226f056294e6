import { ErrorCode } from '@app/shared'
import { defineError } from '../../core/errors.ts'

export const OrderNotFoundError = defineError(ErrorCode.ORDER_NOT_FOUND, '订单不存在', 404)
export const ProjectAlreadyOwnedError = defineError(ErrorCode.PROJECT_ALREADY_OWNED, '您已购买该培训项目，请到“课程培训”中学习', 409)
export const OrderAlreadyPendingError = defineError(ErrorCode.ORDER_ALREADY_PENDING, '该培训项目已有待支付的订单，请到“我的订单”中继续支付或取消后重新下单', 409)
export const OrderNotPendingError = defineError(ErrorCode.ORDER_NOT_PENDING, '订单当前状态不能进行此操作', 409)
export const OrderExpiredError = defineError(ErrorCode.ORDER_EXPIRED, '订单已超过支付时间并关闭，请重新下单', 409)
export const InvoiceInvalidError = defineError(ErrorCode.INVOICE_INVALID, '%s', 400)
/** 「立即申请」 with a taxpayer id failing its GB 32100 check: the H5 asks, then sends confirmTaxpayerId. */
export const OrderTaxpayerIdUnconfirmedError = defineError(ErrorCode.TAXPAYER_ID_UNCONFIRMED, '%s', 409)
