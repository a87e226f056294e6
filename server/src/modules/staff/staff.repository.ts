import { eq } from 'drizzle-orm'
import type { AppDb } from '../../db/client.ts'
import { staffUsers } from '../../db/schema.ts'

export type StaffRow = typeof staffUsers.$inferSelect

export async function findStaffByUsername(db: AppDb, username: string): Promise<StaffRow | undefined> {
  const [row] = await db.select().from(staffUsers).where(eq(staffUsers.username, username))
  return row
}

export async function findStaffById(db: AppDb, id: number): Promise<StaffRow | undefined> {
  const [row] = await db.select().from(staffUsers).where(eq(staffUsers.id, id))
  return row
}
