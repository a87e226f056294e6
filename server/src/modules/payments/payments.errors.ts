import { ErrorCode } from '@app/shared'
import { defineError } from '../../core/errors.ts'

export const WechatOpenidRequiredError = defineError(ErrorCode.WECHAT_OPENID_REQUIRED, '请在微信中打开本页面，并完成微信授权登录后再支付', 409)
export const PayerChangedError = defineError(ErrorCode.PAYER_CHANGED, '请使用首次发起支付的微信完成支付，或取消订单后重新下单', 409)
export const PaymentUnavailableError = defineError(ErrorCode.PAYMENT_UNAVAILABLE, '微信支付暂时不可用，请稍后重试', 503)
export const RefundNotAllowedError = defineError(ErrorCode.REFUND_NOT_ALLOWED, '%s', 409)
export const GroupSeatsAllTakenError = defineError(ErrorCode.GROUP_SEATS_ALL_TAKEN, '订单中的学员均已自行购买本培训项目，无需再支付，订单已关闭', 409)
