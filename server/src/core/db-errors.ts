type DriverError = { code?: string; constraint_name?: string; constraint?: string; cause?: unknown }

/**
 * The constraint a PostgreSQL unique violation (23505) names, wherever the driver wrapped it
 * (drizzle puts the driver's error in `cause`; postgres.js names it `constraint_name`, PGlite
 * `constraint`); '' when it names none, null when the error is no unique violation.
 */
export function uniqueViolationConstraint(error: unknown): string | null {
  for (let e = error as DriverError | null | undefined; e; e = e.cause as DriverError | undefined) {
    if (e.code === '23505') return e.constraint_name ?? e.constraint ?? ''
  }
  return null
}

/** A unique violation; on the given constraint (or one of the given set) when one is named. */
export function isUniqueViolation(error: unknown, constraint?: string | { has(name: string): boolean }): boolean {
  const name = uniqueViolationConstraint(error)
  if (name === null) return false
  if (constraint === undefined) return true
  return typeof constraint === 'string' ? name === constraint : constraint.has(name)
}
