import { ErrorCode, MAX_GROUP_LINES } from '@app/shared'
import { defineError } from '../../core/errors.ts'

export const GroupListEmptyError = defineError(ErrorCode.GROUP_LIST_EMPTY, '请粘贴需参训学员的身份证号码，每行一个', 400)
export const GroupListTooLongError = defineError(ErrorCode.GROUP_LIST_TOO_LONG, `一次最多为${MAX_GROUP_LINES}名学员购买（本次%s行），请分批提交`, 400)
export const GroupChecksThrottledError = defineError(
  ErrorCode.GROUP_CHECKS_THROTTLED,
  '今日核验的身份证号码已达上限（每个账号每天%s个），请%s小时后再试；如需为更多学员购买，请联系客服',
  429,
)
export const GroupOrderNotFoundError = defineError(ErrorCode.GROUP_ORDER_NOT_FOUND, '团购订单不存在', 404)
export const FileLinkInvalidError = defineError(ErrorCode.FILE_LINK_INVALID, '下载链接已失效，请返回页面重新下载', 403)
export const TransferNotOfferedError = defineError(ErrorCode.TRANSFER_NOT_OFFERED, '暂不支持对公转账，请使用微信支付', 409)
export const TransferMismatchError = defineError(ErrorCode.TRANSFER_MISMATCH, '%s', 409)
export const GroupOrderUnpaidError = defineError(ErrorCode.GROUP_ORDER_UNPAID, '团购订单支付后才能导出学员名单', 409)
/** A 对公转账 already confirmed: a second confirmation (a double click, two staff at once, a retry) settles nothing. */
export const TransferAlreadyConfirmedError = defineError(ErrorCode.TRANSFER_ALREADY_CONFIRMED, '%s', 409)
