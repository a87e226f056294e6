// Every table, re-exported for drizzle (queries, relations and drizzle-kit).
export * from './schema/catalogue.ts'
export * from './schema/wechat.ts'
export * from './schema/users.ts'
export * from './schema/security.ts'
export * from './schema/orders.ts'
export * from './schema/learning.ts'
export * from './schema/certificates.ts'
export * from './schema/staff.ts'
