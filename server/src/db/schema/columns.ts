import { customType, integer, numeric, timestamp, type AnyPgColumn } from 'drizzle-orm/pg-core'

// Column kinds every table uses. Each helper returns a new builder: a builder must never be
// shared between two columns.

/** Every time is a timestamptz (docs/conventions.md). */
export const timestamptz = () => timestamp({ withTimezone: true })

/** Hours (学时) can be fractional (0.5 steps in practice); numeric(6,1) keeps sums exact. */
export const hours = () => numeric({ precision: 6, scale: 1, mode: 'number' })

/** A required foreign key to an integer id: `userId: requiredRef(() => users.id)`. */
export const requiredRef = (target: () => AnyPgColumn) => integer().notNull().references(target)

/** Rendered files are kept in the database so every instance serves the same bytes (docs/architecture.md). */
export const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (value) => (Buffer.isBuffer(value) ? value : Buffer.from(value)),
})
