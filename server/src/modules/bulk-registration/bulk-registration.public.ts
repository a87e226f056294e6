/** What other features may use from bulk registration: its one-time initial passwords (the console's 重置密码 texts one too). */
export { generateInitialPassword } from './bulk-registration.service.ts'
