import { sql } from 'drizzle-orm'
import { bigserial, boolean, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import { hours, requiredRef, timestamptz } from './columns.ts'
import { chapters, courses, projects, questions } from './catalogue.ts'
import { users } from './users.ts'

/**
 * What the server has credited per learner and chapter (LRN-4). Times are integer milliseconds of
 * video: credit only ever grows, by forward playback the server has seen in real time.
 */
export const chapterProgress = pgTable(
  'chapter_progress',
  {
    userId: requiredRef(() => users.id),
    chapterId: requiredRef(() => chapters.id),
    creditedMs: integer().notNull().default(0),
    /** The furthest position credited: where playback resumes, and the limit for seeking. */
    furthestMs: integer().notNull().default(0),
    completedAt: timestamptz(),
    updatedAt: timestamptz().notNull(),
    /**
     * Where this chapter stood when the learner last answered a 防挂机 question right (the
     * learner's `correctAnswers` was `checkpointEpoch` then): what three wrong answers in a row
     * take the chapter back to (docs/learning.md).
     */
    checkpointMs: integer().notNull().default(0),
    checkpointEpoch: integer().notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.userId, t.chapterId] }), index().on(t.chapterId)],
)

/** A course whose chapters are all complete: its hours count toward the plan (LRN-6). */
export const courseCompletions = pgTable(
  'course_completions',
  {
    userId: requiredRef(() => users.id),
    courseId: requiredRef(() => courses.id),
    projectId: requiredRef(() => projects.id),
    hours: hours().notNull(),
    completedAt: timestamptz().notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.courseId] }), index().on(t.courseId), index().on(t.projectId)],
)

/**
 * A playback opened by the server for one chapter. One account plays one video at a time: opening
 * a new session supersedes the others, whose later reports are refused.
 */
export const playbackSessions = pgTable(
  'playback_sessions',
  {
    id: uuid().primaryKey(),
    userId: requiredRef(() => users.id),
    chapterId: requiredRef(() => chapters.id),
    status: text().$type<'active' | 'superseded'>().notNull(),
    openedAt: timestamptz().notNull(),
    lastSeq: integer().notNull().default(0),
    /** Credited by this session so far: never more than the wall-clock time since it opened. */
    creditedMs: integer().notNull().default(0),
    /** The page's monotonic clock at the last accepted report (ms since the session opened). */
    lastClientMs: integer().notNull().default(0),
    lastReportAt: timestamptz(),
    /**
     * Reports up to this seq are compacted into `credited_segments` (docs/learning.md, "What is
     * kept for good"): their raw rows may be dropped with their partition.
     */
    compactedSeq: integer().notNull().default(0),
    /**
     * When the session was last compacted; null while it has reports not compacted yet (every
     * accepted report sets it back to null). Only compaction and that reset change it, so its
     * partial index does not cost the report path its HOT updates.
     */
    compactedAt: timestamptz(),
  },
  (t) => [
    index().on(t.userId, t.openedAt),
    // A learner's playbacks of one course's chapters (staff 查看记录): without it the planner ANDs
    // the two indexes above and reads every playback of those chapters (bench:history-reads).
    index().on(t.userId, t.chapterId),
    index().on(t.chapterId),
    uniqueIndex('playback_sessions_one_active').on(t.userId).where(sql`${t.status} = 'active'`),
    index('playback_sessions_to_compact').on(t.openedAt).where(sql`${t.compactedAt} is null`),
  ],
)

/**
 * Each report's answer by (session, seq), so a resent report gets the same answer and no new credit.
 * Raw history: PARTITIONED BY RANGE (received_at), one partition per UTC day, created ahead and
 * dropped after the retention by the progress-history job (docs/deployment.md, "Keeping
 * progress_reports small"). drizzle-kit cannot declare partitioning: the migration that made it
 * partitioned is hand-written (0021). The key includes the partition key, as PostgreSQL requires;
 * (session, seq) stays unique because a report is stored only when its seq is above the session's
 * last_seq, under the learner's lock, in the transaction that raises last_seq.
 */
export const progressReports = pgTable(
  'progress_reports',
  {
    sessionId: uuid()
      .notNull()
      .references(() => playbackSessions.id),
    seq: integer().notNull(),
    positionMs: integer().notNull(),
    creditedMs: integer().notNull(),
    receivedAt: timestamptz().notNull(),
    ack: jsonb().notNull(),
  },
  (t) => [primaryKey({ columns: [t.sessionId, t.seq, t.receivedAt] })],
)

/**
 * What is kept for good of a playback session once its raw reports go (docs/learning.md): each
 * run of credited playback — chapter, from–to position, when, credited ms, and the 防挂机 questions
 * asked and answered in it. Written by compaction in the transaction that raises the session's
 * compacted_seq, so a session is never half-compacted.
 */
export const creditedSegments = pgTable(
  'credited_segments',
  {
    sessionId: uuid()
      .notNull()
      .references(() => playbackSessions.id),
    /** The first and last report (seq) of the run. */
    fromSeq: integer().notNull(),
    toSeq: integer().notNull(),
    userId: requiredRef(() => users.id),
    chapterId: requiredRef(() => chapters.id),
    /** Video positions the run credited, from–to (ms). */
    fromMs: integer().notNull(),
    toMs: integer().notNull(),
    startedAt: timestamptz().notNull(),
    endedAt: timestamptz().notNull(),
    creditedMs: integer().notNull(),
    questionsAsked: integer().notNull().default(0),
    answeredRight: integer().notNull().default(0),
    answeredWrong: integer().notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.sessionId, t.fromSeq] }), index().on(t.userId, t.startedAt), index().on(t.chapterId)],
)

/**
 * The learner's study state across sessions, chapters and devices. Every change to a learner's
 * progress locks this row first, so the learner's reports, session opens and answers happen one at
 * a time. It holds the learner's credit clock (credit can never outrun the server's wall clock)
 * and the 防挂机 state, so reopening the player dodges neither (docs/learning.md).
 */
export const antiIdleState = pgTable(
  'anti_idle_state',
  {
    userId: integer()
      .primaryKey()
      .references(() => users.id),
    creditedSinceQuestionMs: integer().notNull().default(0),
    nextDueMs: integer().notNull(),
    pendingQuestionId: integer().references(() => questions.id),
    pendingSince: timestamptz(),
    /** The chapter that was being credited when the pending question fell due. */
    pendingChapterId: integer().references(() => chapters.id),
    lastAnswerAt: timestamptz(),
    /** Right answers so far: the epoch of chapter checkpoints. */
    correctAnswers: integer().notNull().default(0),
    wrongInARow: integer().notNull().default(0),
    /**
     * Server time up to which this learner's wall-clock time has been spent on credit: a report
     * may credit at most `now - max(creditClockAt, session opened)`, and moves it on by what it
     * credited. Null before the first credit.
     */
    creditClockAt: timestamptz(),
  },
  (t) => [index().on(t.pendingQuestionId), index().on(t.pendingChapterId)],
)

/**
 * Every 防挂机 answer (LRN-5): which question, right or wrong, when. Written in the answer's
 * transaction; staff read it as part of a learner's credited timeline (docs/staff.md).
 */
export const antiIdleAnswers = pgTable(
  'anti_idle_answers',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    userId: requiredRef(() => users.id),
    questionId: requiredRef(() => questions.id),
    courseId: requiredRef(() => courses.id),
    /** The chapter being credited when the question fell due (null if none was). */
    chapterId: integer().references(() => chapters.id),
    correct: boolean().notNull(),
    answeredAt: timestamptz().notNull(),
  },
  (t) => [index().on(t.userId, t.courseId, t.answeredAt), index().on(t.questionId), index().on(t.courseId), index().on(t.chapterId)],
)
