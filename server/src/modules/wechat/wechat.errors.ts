import { ErrorCode } from '@app/shared'
import { defineError } from '../../core/errors.ts'

export const JsSdkUrlNotAllowedApiError = defineError(ErrorCode.JSSDK_URL_NOT_ALLOWED, '该页面地址不能使用微信接口', 400)
export const WechatUnavailableError = defineError(ErrorCode.WECHAT_UNAVAILABLE, '微信服务暂时不可用，请稍后重试', 503)
