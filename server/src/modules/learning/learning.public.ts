/** What other features may use from learning: a learner's plans and their completion (certificates issue on it). */
export { listPlans } from './plans.service.ts'
