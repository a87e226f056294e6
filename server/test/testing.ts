/**
 * The server's test harness for other packages (`@app/server/testing`: the H5 browser journeys,
 * the scripts' tests and benchmarks): the real app with the WeChat simulator and a movable clock,
 * a test database, accounts, enrolments, honest plan completion, hostile spreadsheets and WeChat
 * stand-ins. Test code only; nothing here is part of the running server. Other packages import
 * the server's test files only through this one.
 */
export { buildTestApp, DEMO_SEED_DIR, type TestApp, type TestAppOptions } from './app.ts'
export { bearer, newIdNumber, PASSWORD, registerLearner, type Registered } from './auth-helpers.ts'
export { createTestDatabase } from './db.ts'
export { courseOutline, enrol } from './factories.ts'
export { completePlan } from './learning-helpers.ts'
export { prepareServerData, type ServerStorage } from './server-data-helpers.ts'
export { seedSampleOrganisations } from '../src/modules/certificates/organisations.seed.ts'
// Rows a test sets up directly, without the HTTP flow that normally writes them.
export { insertUser } from '../src/modules/auth/users.repository.ts'
export { issueCertificate } from '../src/modules/certificates/certificates.service.ts'
export { hugeCsv, manyRowsXlsx, zipBombXlsx } from './hostile-file-helpers.ts'
export { pdfText } from './pdf-text-helpers.ts'
export { generateRsaKeys, sendJson, startStandIn, type StandIn } from './wechat-stand-in-helpers.ts'
export { saveStaffUser } from '../src/modules/staff/staff.service.ts'
export { totpCode } from '../src/modules/staff/totp.rules.ts'
