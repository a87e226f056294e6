import { and, asc, count, eq, inArray, sql } from 'drizzle-orm'
import type { AppDb } from '../../db/client.ts'
import { chapters, courses, questions } from '../../db/schema/catalogue.ts'
import { antiIdleAnswers, chapterProgress, courseCompletions, playbackSessions } from '../../db/schema/learning.ts'
import type { Segment } from './credited-segments.rules.ts'
import { sessionSegments } from './credited-segments.read-model.ts'

/**
 * Read functions of a learner's study record for the staff console (管理后台 学员 detail): what
 * the server credited per chapter, and the timeline of playbacks and 防挂机 answers. Read only.
 * Part of the third documented exception to table ownership (docs/architecture.md, "Table
 * owners"): the learner's progress joined onto the catalogue's courses, chapters and questions in
 * one statement, as on the course page (course-progress.read-model.ts).
 */

export interface CourseRecord {
  courseId: number
  projectId: number
  title: string
  hours: number
  completedAt: Date | null
  chapters: { chapterId: number; title: string; durationSeconds: number; creditedSeconds: number; completedAt: Date | null }[]
}

/** Every course of these projects with the learner's credit per chapter, in course and chapter order. */
export async function learnerCourseRecords(db: AppDb, userId: number, projectIds: number[]): Promise<CourseRecord[]> {
  if (projectIds.length === 0) return []
  const rows = await db
    .select({
      courseId: courses.id,
      projectId: courses.projectId,
      courseTitle: courses.title,
      hours: courses.hours,
      courseCompletedAt: courseCompletions.completedAt,
      chapterId: chapters.id,
      chapterTitle: chapters.title,
      durationSeconds: chapters.durationSeconds,
      creditedMs: chapterProgress.creditedMs,
      chapterCompletedAt: chapterProgress.completedAt,
    })
    .from(courses)
    .leftJoin(courseCompletions, and(eq(courseCompletions.courseId, courses.id), eq(courseCompletions.userId, userId)))
    .leftJoin(chapters, eq(chapters.courseId, courses.id))
    .leftJoin(chapterProgress, and(eq(chapterProgress.chapterId, chapters.id), eq(chapterProgress.userId, userId)))
    .where(inArray(courses.projectId, projectIds))
    .orderBy(asc(courses.projectId), asc(courses.sort), asc(courses.id), asc(chapters.sort), asc(chapters.id))
  const byCourse = new Map<number, CourseRecord>()
  for (const r of rows) {
    let course = byCourse.get(r.courseId)
    if (!course) {
      course = { courseId: r.courseId, projectId: r.projectId, title: r.courseTitle, hours: Number(r.hours), completedAt: r.courseCompletedAt, chapters: [] }
      byCourse.set(r.courseId, course)
    }
    if (r.chapterId !== null) {
      course.chapters.push({
        chapterId: r.chapterId,
        title: r.chapterTitle ?? '',
        durationSeconds: r.durationSeconds ?? 0,
        creditedSeconds: Math.floor((r.creditedMs ?? 0) / 1000),
        completedAt: r.chapterCompletedAt,
      })
    }
  }
  return [...byCourse.values()]
}

export interface TimelineEntry {
  kind: 'playback' | 'answer'
  at: Date
  chapterTitle: string
  creditedSeconds: number | null
  until: Date | null
  correct: boolean | null
  /** answer: the question's prompt. */
  question: string | null
  /** playback: what it credited, segment by segment (credited-segments.rules.ts); answer: none. */
  segments: Segment[]
}

/**
 * One course's credited timeline, newest first, a page at a time: each playback the server opened
 * (when, until its last report, how much it credited, segment by segment) and each 防挂机 answer
 * (right or wrong). A playback's segments come from credited_segments once it is compacted and
 * from its raw reports before: the same segments either way.
 */
export async function learnerCourseTimeline(
  db: AppDb,
  userId: number,
  courseId: number,
  page: { page: number; pageSize: number },
): Promise<{ items: TimelineEntry[]; total: number }> {
  const playbacks = and(eq(playbackSessions.userId, userId), eq(chapters.courseId, courseId))
  const answers = and(eq(antiIdleAnswers.userId, userId), eq(antiIdleAnswers.courseId, courseId))
  const rows = await db
    .select({
      kind: sql<'playback' | 'answer'>`'playback'`,
      at: playbackSessions.openedAt,
      sessionId: sql<string | null>`${playbackSessions.id}`,
      chapterTitle: chapters.title,
      creditedMs: sql<number | null>`${playbackSessions.creditedMs}`,
      until: playbackSessions.lastReportAt,
      correct: sql<boolean | null>`null::boolean`,
      question: sql<string | null>`null::text`,
    })
    .from(playbackSessions)
    .innerJoin(chapters, eq(chapters.id, playbackSessions.chapterId))
    .where(playbacks)
    .unionAll(
      db
        .select({
          kind: sql<'playback' | 'answer'>`'answer'`,
          at: antiIdleAnswers.answeredAt,
          sessionId: sql<string | null>`null::uuid`,
          chapterTitle: sql<string>`coalesce(${chapters.title}, '')`,
          creditedMs: sql<number | null>`null::int`,
          until: sql<Date | null>`null::timestamptz`,
          correct: sql<boolean | null>`${antiIdleAnswers.correct}`,
          question: sql<string | null>`${questions.prompt}`,
        })
        .from(antiIdleAnswers)
        .leftJoin(chapters, eq(chapters.id, antiIdleAnswers.chapterId))
        .innerJoin(questions, eq(questions.id, antiIdleAnswers.questionId))
        .where(answers),
    )
    // By position: the union's second column is the time.
    .orderBy(sql`2 desc`)
    .limit(page.pageSize)
    .offset((page.page - 1) * page.pageSize)
  const [playbackCount] = await db.select({ n: count() }).from(playbackSessions).innerJoin(chapters, eq(chapters.id, playbackSessions.chapterId)).where(playbacks)
  const [answerCount] = await db.select({ n: count() }).from(antiIdleAnswers).where(answers)
  const toDate = (v: Date | string | null) => (v === null ? null : v instanceof Date ? v : new Date(v))
  // Segments kept for good for compacted sessions, from the raw reports for recent ones.
  const segments = await sessionSegments(db, rows.flatMap((r) => (r.sessionId === null ? [] : [r.sessionId])))
  return {
    items: rows.map((r) => ({
      kind: r.kind,
      at: toDate(r.at) as Date,
      chapterTitle: r.chapterTitle,
      creditedSeconds: r.creditedMs === null ? null : Math.floor(Number(r.creditedMs) / 1000),
      until: toDate(r.until),
      correct: r.correct,
      question: r.question,
      segments: r.sessionId === null ? [] : (segments.get(r.sessionId) ?? []),
    })),
    total: (playbackCount?.n ?? 0) + (answerCount?.n ?? 0),
  }
}
