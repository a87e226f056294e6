/**
 * What other features may use from payments: group orders re-price, settle a 对公转账 and hand back
 * seats through these, with the PaymentDeps the payments module provides.
 */
export { dropEnrolledSeats } from './group-seats.service.ts'
export type { PaymentDeps } from './payments.service.ts'
export { receivePayment, withSeatRetry, type ReceiveOutcome } from './settlement.service.ts'
export { applyRefundAnswer, requestRefund, syncRefund, type RefundRow } from './refunds.service.ts'
