/**
 * Where WeChat Pay posts its notifications. The one definition: the notify routes are registered
 * at these paths and notify_url / refund notify_url are built from them.
 */
export const NOTIFY_PATH = '/api/payments/wechat/notify'
export const REFUND_NOTIFY_PATH = '/api/payments/wechat/refund-notify'
