// How 我的发票 names invoice states (INV-4) and colours their tags.
export type InvoiceStateName = 'requested' | 'issued' | 'reversing' | 'reversed' | 'failed'

export const INVOICE_STATE_TEXT: Record<InvoiceStateName, string> = {
  requested: '申请中',
  issued: '已开具',
  reversing: '红冲中',
  reversed: '已红冲',
  failed: '开票失败',
}

export const INVOICE_STATE_TAG: Record<InvoiceStateName, 'primary' | 'success' | 'warning' | 'danger' | 'default'> = {
  requested: 'primary',
  issued: 'success',
  reversing: 'warning',
  reversed: 'default',
  failed: 'danger',
}
