import { ErrorCode } from '@app/shared'
import { defineError } from '../../core/errors.ts'

/** A staff reply outside WeChat's 48-hour window (or after the five replies it allows were used). */
export const ConversationWindowClosedError = defineError(ErrorCode.CONVERSATION_WINDOW_CLOSED, '学员最近48小时内没有发来消息，无法通过公众号回复，请改用电话联系', 409)
export const ConversationNotFoundError = defineError(ErrorCode.CONVERSATION_NOT_FOUND, '没有这个会话', 404)
