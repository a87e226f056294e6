/**
 * The server's test harness for other packages (`@app/server/testing`, e.g. the H5 browser
 * journeys): the real app with the WeChat simulator and a movable clock, accounts, enrolments and
 * honest plan completion. Test code only; nothing here is part of the running server.
 */
export { buildTestApp, DEMO_SEED_DIR, type TestApp, type TestAppOptions } from './app.ts'
export { bearer, PASSWORD, registerLearner, type Registered } from './auth-helpers.ts'
export { courseOutline, enrol } from './factories.ts'
export { completePlan } from './learning-helpers.ts'
export { prepareServerData, type ServerStorage } from './server-data-helpers.ts'
export { seedSampleOrganisations } from '../src/modules/certificates/organisations.seed.ts'
export { pdfText } from './pdf-text-helpers.ts'
export { generateRsaKeys, sendJson, startStandIn, type StandIn } from './wechat-stand-in-helpers.ts'
export { saveStaffUser } from '../src/modules/staff/staff.service.ts'
export { totpCode } from '../src/modules/staff/totp.rules.ts'
