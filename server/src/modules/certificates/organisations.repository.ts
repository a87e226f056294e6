import { asc, eq, ilike } from 'drizzle-orm'
import type { AppDb } from '../../db/client.ts'
import { organisations } from '../../db/schema/certificates.ts'

export type OrganisationRow = typeof organisations.$inferSelect

/** Units whose name contains the text (LIKE wildcards in it are taken literally). */
export async function searchOrganisations(db: AppDb, q: string, limit: number) {
  const pattern = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
  return db
    .select({ id: organisations.id, name: organisations.name, districtCode: organisations.districtCode })
    .from(organisations)
    .where(q === '' ? undefined : ilike(organisations.name, pattern))
    .orderBy(asc(organisations.name))
    .limit(limit)
}

export async function findOrganisation(db: AppDb, id: number): Promise<OrganisationRow | undefined> {
  const [row] = await db.select().from(organisations).where(eq(organisations.id, id))
  return row
}
