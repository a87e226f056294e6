/**
 * What the server offers the operator commands, benchmarks and the local cluster of `scripts/`
 * (`@app/server/commands`): the only way into the server's code besides the test harness
 * (`@app/server/testing`). package.json exports nothing else, so a script cannot reach a module's
 * internals; when a script needs something new, export the one function here (or compose it
 * here from the module's own functions) rather than opening the file.
 */
import type { AppDb } from '../db/client.ts'
import type { SmsProvider } from '../integrations/sms/provider.ts'
import { createTencentSmsProvider } from '../integrations/sms/tencent.ts'
import { createDevOutboxProvider } from '../modules/auth/dev-sms-outbox.adapter.ts'
import type { Config } from './app.config.ts'

// Configuration, the database and personal data at rest: how every command starts.
export { ConfigError, loadConfig, SAMPLE_PERSONAL_DATA_KEYS, type Config } from './app.config.ts'
export { createDatabase, DatabaseUnavailableError, type AppDb, type Database } from '../db/client.ts'
export { DataFolderLockedError } from '../db/data-folder-lock.ts'
export { isClientError } from '../core/errors.ts'
export { blindIndex, personalDataKeys, usePersonalDataKeys } from '../crypto/personal-data.ts'
export { writeWorkbook } from '../core/spreadsheet.ts'

// WeChat: live settings from the config, the simulator's development keys and the simulator itself.
export { generateDevSecrets, loadOrCreateDevSecrets, type DevSecrets } from './dev-secrets.ts'
export { createWechatRuntime, simulatorClientSettings, simulatorKeys } from './wechat-runtime.ts'
export type { WechatApiSettings } from '../integrations/wechat/settings.ts'
export { continuingEducationMenu, createMenu } from '../integrations/wechat/menu.ts'
export { createWechatPayClient } from '../integrations/wechat/pay/client.ts'
export { createWechatSimulator } from '../simulator/index.ts'
export { default as securityHeaders } from '../plugins/security-headers.ts'

// The app itself, for benchmarks that drive it in their own process.
export { buildApp, type AppDeps } from './build-app.ts'

/**
 * The SMS provider a command texts learners through, chosen as the server chooses it: Tencent
 * Cloud when configured, else the development outbox (read with GET /api/dev/sms-outbox).
 */
export function commandSmsProvider(config: Config, db: AppDb): SmsProvider {
  return config.sms ? createTencentSmsProvider(config.sms.tencent) : createDevOutboxProvider(db, { info() {} })
}

// import-content (OPS-1).
export { importCatalogue, type ImportReport } from '../modules/catalogue/catalogue-import.service.ts'
export { ManifestError } from '../modules/catalogue/catalogue-manifest.parser.ts'

// bulk-register (ACC-5, OPS-2).
export { registerSheet, type BulkRegistrationResult } from '../modules/bulk-registration/bulk-registration.service.ts'
export { writeResultSheet } from '../modules/bulk-registration/result-sheet.view.ts'

// create-staff (OPS-5) and the staff a command acts as.
export { generateStaffPassword, saveStaffUser, STAFF_USERNAME, staffPasswordProblem } from '../modules/staff/staff.service.ts'
export { findStaffByUsername } from '../modules/staff/staff.repository.ts'
export { totpCode } from '../modules/staff/totp.rules.ts'

// refund-order (PAY-4, OPS-4) and confirm-transfer (GRP-3).
export { requestRefund, syncRefund } from '../modules/payments/refunds.service.ts'
export { reverseForRefundedOrder } from '../modules/invoices/invoices.service.ts'
export { confirmTransfer } from '../modules/group-orders/group-transfer.service.ts'

// completion-report (OPS-3).
export { completionReport, type CompletionRow, type CompletionStatus } from '../modules/certificates/completion-report.read-model.ts'
export { CHONGQING_DISTRICTS, districtName } from '../modules/certificates/districts.rules.ts'
export { completionWorkbook } from '../modules/certificates/completion-report.view.ts'
// bench:history-reads times 统计's completion count itself (the console answers it from memory).
export { completionByOrganisation } from '../modules/certificates/completion-summary.read-model.ts'
export { findOrganisation } from '../modules/certificates/organisations.repository.ts'

// golive-check (the go-live check of docs/go-live.md).
export { runGoLiveCheck } from '../modules/golive/golive.service.ts'
export { formatGoLiveReport } from '../modules/golive/golive.view.ts'
export type { GoLiveInput } from '../modules/golive/golive.types.ts'

// rotate-data-key (docs/security.md, "Personal data at rest").
export { countPendingPersonalData, sealPersonalData, type RotationProgress } from '../crypto/personal-data.rotation.ts'

// Benchmarks: sample data as the demo server has it, stored the way the server stores it.
export { seedSampleOrganisations } from '../modules/certificates/organisations.seed.ts'
export { SAMPLE_CERTIFICATE_SETTINGS } from '../modules/certificates/certificates.config.ts'
export { renderCertificate } from '../modules/certificates/certificate-files.service.ts'
export { findOwnCertificate } from '../modules/certificates/certificates.repository.ts'
export { sealedUserColumns } from '../modules/auth/users.repository.ts'
// bench:synth-year: certificates signed as the server signs them.
export { signCertificate } from '../modules/certificates/signature.rules.ts'
export { chapterProgress, chapters, courseCompletions, courses, enrollments, projects } from '../db/schema.ts'

// bench:reminders: the deadline-reminder run and the notice sender (docs/deployment.md §9).
export { defaultNoticesConfig } from '../modules/notices/notices.config.ts'
export { runReminders } from '../modules/notices/reminders.job.ts'
export { sendPass } from '../modules/notices/send.job.ts'
