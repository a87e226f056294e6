/**
 * What other features may use from group orders: the staff console lists an order's learners and
 * labels their states as the buyer's 团购订单 does.
 */
export { LEARNER_STATE_LABELS } from './group-files.service.ts'
export { learnerState, orderLearners, type GroupLearnerRow } from './group-orders.service.ts'
