import { index, integer, jsonb, pgTable, serial, text, uniqueIndex } from 'drizzle-orm/pg-core'
import { hours, requiredRef, timestamptz } from './columns.ts'

/** 项目分类: 「专技人员公需科目」 and 「专业科目」. */
export const categories = pgTable('categories', {
  id: serial().primaryKey(),
  code: text().notNull().unique(),
  name: text().notNull(),
  sort: integer().notNull().default(0),
})

/** A yearly training project (培训项目 / 学习计划) that learners buy. */
export const projects = pgTable(
  'projects',
  {
    id: serial().primaryKey(),
    /** Stable key from the content manifest, so re-imports update instead of duplicating. */
    code: text().notNull().unique(),
    categoryId: requiredRef(() => categories.id),
    title: text().notNull(),
    year: integer().notNull(),
    description: text().notNull().default(''),
    priceFen: integer().notNull(),
    requiredHours: hours().notNull(),
    coverUrl: text(),
    sort: integer().notNull().default(0),
    published: integer().notNull().default(1),
    createdAt: timestamptz().notNull().defaultNow(),
    updatedAt: timestamptz().notNull().defaultNow(),
  },
  (t) => [index().on(t.categoryId), index().on(t.year)],
)

export const courses = pgTable(
  'courses',
  {
    id: serial().primaryKey(),
    projectId: requiredRef(() => projects.id),
    code: text().notNull(),
    title: text().notNull(),
    lecturer: text().notNull().default(''),
    description: text().notNull().default(''),
    hours: hours().notNull(),
    coverUrl: text().notNull(),
    sort: integer().notNull().default(0),
  },
  (t) => [uniqueIndex().on(t.projectId, t.code), index().on(t.projectId)],
)

export const chapters = pgTable(
  'chapters',
  {
    id: serial().primaryKey(),
    courseId: requiredRef(() => courses.id),
    code: text().notNull(),
    title: text().notNull(),
    /** Absolute URL (CDN) or a path under /media served with range support. */
    videoUrl: text().notNull(),
    durationSeconds: integer().notNull(),
    sort: integer().notNull().default(0),
  },
  (t) => [uniqueIndex().on(t.courseId, t.code), index().on(t.courseId)],
)

/** 防挂机 question bank, per course. The answer never leaves the server. */
export const questions = pgTable(
  'questions',
  {
    id: serial().primaryKey(),
    courseId: requiredRef(() => courses.id),
    code: text().notNull(),
    prompt: text().notNull(),
    options: jsonb().$type<string[]>().notNull(),
    answerIndex: integer().notNull(),
  },
  (t) => [uniqueIndex().on(t.courseId, t.code), index().on(t.courseId)],
)
