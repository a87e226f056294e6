/**
 * The demo content's category 「体验（演示）」 (server/seed/demo/manifest.json). A certificate of one of
 * its projects proves nothing about real training: the public verification page calls it a 样例
 * (sample), never 「证书真实有效」.
 */
export const DEMO_CATEGORY_CODE = 'trial'
