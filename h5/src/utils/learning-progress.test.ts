import { describe, expect, it } from 'vitest'
import {
  chapterStatus,
  clampPercent,
  courseProgressText,
  wrongAnswerFeedback,
  formatClock,
  planHoursText,
  planRemainingText,
} from './learning-progress.ts'

describe('plan progress (学分要求 / 计划完成度)', () => {
  it('shows counted against required 学时', () => {
    expect(planHoursText({ countedHours: 0, requiredHours: 30 })).toBe('0 / 30 学时')
    expect(planHoursText({ countedHours: 18, requiredHours: 30 })).toBe('18 / 30 学时')
    expect(planHoursText({ countedHours: 2.5, requiredHours: 30 })).toBe('2.5 / 30 学时')
  })

  it('says what is left, or 已完成', () => {
    expect(planRemainingText({ completed: false, remainingHours: 12 })).toBe('还差 12 学时')
    expect(planRemainingText({ completed: false, remainingHours: 0.5 })).toBe('还差 0.5 学时')
    expect(planRemainingText({ completed: true, remainingHours: 0 })).toBe('已完成')
  })

  it('keeps a percentage an integer within 0–100', () => {
    expect(clampPercent(6.9)).toBe(6)
    expect(clampPercent(-3)).toBe(0)
    expect(clampPercent(120)).toBe(100)
    expect(clampPercent(Number.NaN)).toBe(0)
  })
})

describe('course and chapter states', () => {
  it('counts completed chapters of a course', () => {
    expect(courseProgressText({ completed: false, completedChapterCount: 1, chapterCount: 4 })).toBe('已学 1/4 章')
    expect(courseProgressText({ completed: true, completedChapterCount: 4, chapterCount: 4 })).toBe('已完成')
  })

  it('reads 未开始, 学习中 x% from credited seconds, and 已完成 only when the server says so', () => {
    expect(chapterStatus({ completed: false, creditedSeconds: 0, durationSeconds: 40 })).toEqual({ kind: 'not_started', text: '未开始', percent: 0 })
    expect(chapterStatus({ completed: false, creditedSeconds: 10, durationSeconds: 40 })).toEqual({ kind: 'learning', text: '学习中 25%', percent: 25 })
    // Fully credited but not yet complete on the server: never 100 %.
    expect(chapterStatus({ completed: false, creditedSeconds: 40, durationSeconds: 40 }).text).toBe('学习中 99%')
    expect(chapterStatus({ completed: true, creditedSeconds: 38, durationSeconds: 40 })).toEqual({ kind: 'completed', text: '已完成', percent: 100 })
  })

  it('formats video positions as a clock', () => {
    expect(formatClock(0)).toBe('00:00')
    expect(formatClock(75.9)).toBe('01:15')
    expect(formatClock(3725)).toBe('1:02:05')
    expect(formatClock(Number.NaN)).toBe('00:00')
  })
})

describe('wrongAnswerFeedback (the wrong-answer policy in the learner\'s words)', () => {
  it('says how many wrong answers are left before progress is taken back', () => {
    expect(wrongAnswerFeedback(1, false)).toBe('回答错误，请再答一题（再答错 2 次，将扣除本章自上次答对以来的学习进度）')
    expect(wrongAnswerFeedback(2, false)).toBe('回答错误，请再答一题（再答错 1 次，将扣除本章自上次答对以来的学习进度）')
  })

  it('says what was taken back after the third in a row', () => {
    expect(wrongAnswerFeedback(0, true)).toBe('连续答错 3 次，本章自上次答对以来的学习进度已扣除，答对后请从扣除处继续学习')
  })
})
