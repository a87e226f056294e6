import { WRONG_ANSWERS_BEFORE_WITHDRAWAL } from '@app/shared/learning-policy'
import { formatHours } from './format.ts'

// Display rules for 课程培训, the course list and the player. Every number shown comes from the
// server (credited time, counted 学时); the video's own position is never shown as progress.

/** 「计划完成度」 as 学时: "12 / 30 学时". */
export function planHoursText(plan: { countedHours: number; requiredHours: number }): string {
  return `${formatHours(plan.countedHours)} / ${formatHours(plan.requiredHours)} 学时`
}

/** What is left of the plan: 「还差 12 学时」, or 「已完成」 once the requirement is met. */
export function planRemainingText(plan: { completed: boolean; remainingHours: number }): string {
  if (plan.completed || plan.remainingHours <= 0) return '已完成'
  return `还差 ${formatHours(plan.remainingHours)} 学时`
}

/** A percentage for a progress bar: an integer 0–100, never NaN. */
export function clampPercent(value: number): number {
  if (!Number.isFinite(value)) return 0
  return Math.min(100, Math.max(0, Math.floor(value)))
}

/** A course in the list: 「已完成」 or 「已学 x/y 章」. */
export function courseProgressText(course: { completed: boolean; completedChapterCount: number; chapterCount: number }): string {
  if (course.completed) return '已完成'
  return `已学 ${course.completedChapterCount}/${course.chapterCount} 章`
}

export type ChapterStatusKind = 'completed' | 'learning' | 'not_started'

export interface ChapterStatus {
  kind: ChapterStatusKind
  /** 「已完成」, 「学习中 42%」 or 「未开始」. */
  text: string
  /** Credited share of the chapter, 0–100 (100 only when the server says it is complete). */
  percent: number
}

/**
 * A chapter's state from the server's credited seconds. An incomplete chapter never reads 100 %:
 * the last seconds may still be missing (the server allows a few seconds of tolerance at the end).
 */
export function chapterStatus(chapter: { completed: boolean; creditedSeconds: number; durationSeconds: number }): ChapterStatus {
  if (chapter.completed) return { kind: 'completed', text: '已完成', percent: 100 }
  if (chapter.creditedSeconds <= 0) return { kind: 'not_started', text: '未开始', percent: 0 }
  const percent = Math.min(99, clampPercent((chapter.creditedSeconds / Math.max(1, chapter.durationSeconds)) * 100))
  return { kind: 'learning', text: `学习中 ${percent}%`, percent }
}

/** A video position as a clock: 75 → "01:15", 3725 → "1:02:05". */
export function formatClock(totalSeconds: number): string {
  const seconds = Math.max(0, Math.floor(Number.isFinite(totalSeconds) ? totalSeconds : 0))
  const h = Math.floor(seconds / 3600)
  const m = Math.floor((seconds % 3600) / 60)
  const s = seconds % 60
  const mmss = `${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`
  return h > 0 ? `${h}:${mmss}` : mmss
}

/** What the learner reads after a wrong answer (docs/learning.md's wrong-answer policy, in their words). */
export function wrongAnswerFeedback(wrongInARow: number, withdrawn: boolean): string {
  if (withdrawn) return `连续答错 ${WRONG_ANSWERS_BEFORE_WITHDRAWAL} 次，本章自上次答对以来的学习进度已扣除，答对后请从扣除处继续学习`
  const left = WRONG_ANSWERS_BEFORE_WITHDRAWAL - wrongInARow
  return `回答错误，请再答一题（再答错 ${left} 次，将扣除本章自上次答对以来的学习进度）`
}
