import { eq, or } from 'drizzle-orm'
import type { AppDb } from '../../db/client.ts'
import { users, wechatBindings } from '../../db/schema.ts'

export type UserRow = typeof users.$inferSelect

export async function findUserByAccount(db: AppDb, account: { idNumber?: string; phone?: string }): Promise<UserRow | undefined> {
  const conditions = [
    account.idNumber ? eq(users.idNumber, account.idNumber) : undefined,
    account.phone ? eq(users.phone, account.phone) : undefined,
  ].filter((c) => c !== undefined)
  if (conditions.length === 0) return undefined
  const [row] = await db.select().from(users).where(or(...conditions)).limit(1)
  return row
}

export async function findUserById(db: AppDb, id: number): Promise<UserRow | undefined> {
  const [row] = await db.select().from(users).where(eq(users.id, id))
  return row
}

export async function findUserByOpenid(db: AppDb, openid: string): Promise<UserRow | undefined> {
  const [row] = await db
    .select({ user: users })
    .from(wechatBindings)
    .innerJoin(users, eq(users.id, wechatBindings.userId))
    .where(eq(wechatBindings.openid, openid))
  return row?.user
}

export async function findBindingByUser(db: AppDb, userId: number) {
  const [row] = await db.select().from(wechatBindings).where(eq(wechatBindings.userId, userId))
  return row
}
