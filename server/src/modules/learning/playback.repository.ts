import { and, count, eq, gt } from 'drizzle-orm'
import { playbackSessions } from '../../db/schema/learning.ts'
import type { Tx } from './learning.types.ts'

/** How many playback sessions the learner opened since `since`. */
export async function countOpensSince(tx: Tx, userId: number, since: Date): Promise<number> {
  const [row] = await tx
    .select({ n: count() })
    .from(playbackSessions)
    .where(and(eq(playbackSessions.userId, userId), gt(playbackSessions.openedAt, since)))
  return Number(row?.n ?? 0)
}

/** Ends the learner's active playback, if any: its later reports are refused as superseded. */
export async function supersedeActive(tx: Tx, userId: number): Promise<void> {
  await tx
    .update(playbackSessions)
    .set({ status: 'superseded' })
    .where(and(eq(playbackSessions.userId, userId), eq(playbackSessions.status, 'active')))
}

export async function insertActiveSession(tx: Tx, session: { id: string; userId: number; chapterId: number; openedAt: Date }): Promise<void> {
  await tx.insert(playbackSessions).values({ ...session, status: 'active' })
}
