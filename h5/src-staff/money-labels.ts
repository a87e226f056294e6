/** Chinese labels of order and refund states on the money pages (订单与退款, 对公转账, 团购订单). */
export const ORDER_STATUS: Record<string, string> = { pending: '待支付', paid: '已支付', closed: '已关闭', refunding: '退款中', refunded: '已退款' }
export const ORDER_KIND: Record<string, string> = { individual: '个人', group: '团体' }
/** WeChat Pay's refund states as staff read them: PROCESSING → SUCCESS / CLOSED / ABNORMAL. */
export const REFUND_STATUS: Record<string, string> = {
  requested: '已提交（等待微信支付受理）',
  processing: '退款处理中',
  succeeded: '退款成功',
  failed: '退款失败',
  closed: '退款关闭',
  abnormal: '退款异常（请在商户平台处理）',
}
