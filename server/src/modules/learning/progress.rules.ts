import { CHAPTER_END_TOLERANCE_SECONDS, type ChapterProgress, type ChapterState } from '@app/shared'
import type { ProgressState } from './learning.types.ts'

type Numbers = Pick<ProgressState, 'creditedMs' | 'furthestMs' | 'completedAt'>

export function chapterState(chapter: { id: number; title: string; videoUrl: string; durationSeconds: number }, progress: Numbers | undefined): ChapterState {
  return { id: chapter.id, title: chapter.title, videoUrl: chapter.videoUrl, durationSeconds: chapter.durationSeconds, ...numbers(progress) }
}

/** The numbers of a chapter's progress, as progress answers carry them. */
export function chapterProgressOf(chapterId: number, progress: Numbers | undefined): ChapterProgress {
  return { id: chapterId, ...numbers(progress) }
}

function numbers(progress: Numbers | undefined) {
  return {
    resumeAtSeconds: (progress?.furthestMs ?? 0) / 1000,
    creditedSeconds: (progress?.creditedMs ?? 0) / 1000,
    completed: !!progress?.completedAt,
  }
}

/** A chapter is watched when both credit and furthest position reach the end (within a few seconds). */
export function isChapterWatched(progress: Pick<ProgressState, 'creditedMs' | 'furthestMs'>, durationSeconds: number): boolean {
  const endMs = Math.max(0, (durationSeconds - CHAPTER_END_TOLERANCE_SECONDS) * 1000)
  return progress.creditedMs >= endMs && progress.furthestMs >= endMs
}
