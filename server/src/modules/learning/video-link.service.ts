import type { ChapterState, ChapterVideoLink, CoursePlayer, PlaybackSession } from '@app/shared'
import type { AppDb } from '../../db/client.ts'
import { objectKeyOfStoredUrl, type MediaUrlSigner } from '../../integrations/media/index.ts'
import { findChapterContext } from '../catalogue/catalogue.read-model.ts'
import { findActiveEnrollment } from '../orders/orders.read-model.ts'
import { ChapterNotFoundError, NotEnrolledError } from './learning.errors.ts'
import { coursePlayer } from './plans.service.ts'
import { openPlayback, type LearningDeps } from './playback.service.ts'

/** How chapter videos reach the page: the configured provider's signer and a link's lifetime (MEDIA_URL_TTL_SECONDS). */
export interface VideoLinks {
  signer: MediaUrlSigner
  ttlSeconds: number
}

/**
 * The link the page gets for a stored video URL: manifest media (`/media/…`) signed for this chapter
 * until now + ttl; an outside https URL as stored (we cannot sign another host's files; docs say so).
 */
export function videoLinkFor(links: VideoLinks, storedUrl: string, chapterId: number, userId: number, now: Date): ChapterVideoLink {
  const objectKey = objectKeyOfStoredUrl(storedUrl)
  if (objectKey === null) return { videoUrl: storedUrl, expiresAt: null }
  const expiresAt = new Date(now.getTime() + links.ttlSeconds * 1000)
  return { videoUrl: links.signer.signedUrl(objectKey, { chapterId, userId, issuedAt: now, expiresAt }), expiresAt: expiresAt.toISOString() }
}

function signChapter(links: VideoLinks, chapter: ChapterState, userId: number, now: Date): ChapterState {
  return { ...chapter, videoUrl: videoLinkFor(links, chapter.videoUrl, chapter.id, userId, now).videoUrl }
}

/** Opens a playback session (playback.service.ts) and gives its chapter's video as a signed link. */
export async function openPlaybackWithLink(deps: Pick<LearningDeps, 'db' | 'antiIdle'>, links: VideoLinks, userId: number, chapterId: number, now: Date): Promise<PlaybackSession> {
  const session = await openPlayback(deps, userId, chapterId, now)
  return { ...session, chapter: signChapter(links, session.chapter, userId, now) }
}

/** The player's view of a course (plans.service.ts) with each chapter's video as a signed link. */
export async function coursePlayerWithLinks(db: AppDb, links: VideoLinks, userId: number, courseId: number, now: Date): Promise<CoursePlayer> {
  const player = await coursePlayer(db, userId, courseId)
  return { ...player, chapters: player.chapters.map((c) => signChapter(links, c, userId, now)) }
}

/**
 * A fresh link for a chapter's video, for a player whose link expired mid-study (LRN-3): only to a
 * learner with an active enrolment in the chapter's project, as opening playback requires.
 */
export async function chapterVideoLink(db: AppDb, links: VideoLinks, userId: number, chapterId: number, now: Date): Promise<ChapterVideoLink> {
  const ctx = await findChapterContext(db, chapterId)
  if (!ctx) throw new ChapterNotFoundError()
  if (!(await findActiveEnrollment(db, userId, ctx.projectId))) throw new NotEnrolledError()
  return videoLinkFor(links, ctx.chapter.videoUrl, chapterId, userId, now)
}
