import { Type, type Static } from 'typebox'
import { FenSchema, IdSchema } from './common.ts'
import { ClosedObject, Nullable } from './schema-helpers.ts'

/** The learner's relation to a project, shown on every project card (CAT-1). */
export const ProjectState = {
  NOT_PURCHASED: 'not_purchased',
  PENDING_PAYMENT: 'pending_payment',
  STUDYING: 'studying',
  COMPLETED: 'completed',
} as const
export type ProjectState = (typeof ProjectState)[keyof typeof ProjectState]

export { YEARLY_HOURS_RULE } from './yearly-rule.ts'

/** Category codes seeded from the manifest: 「专技人员公需科目」 and 「专业科目」. */
export const CategoryCode = { PUBLIC: 'public', PROFESSIONAL: 'professional' } as const
export type CategoryCode = (typeof CategoryCode)[keyof typeof CategoryCode]

const ProjectStateSchema = Type.Union([
  Type.Literal(ProjectState.NOT_PURCHASED),
  Type.Literal(ProjectState.PENDING_PAYMENT),
  Type.Literal(ProjectState.STUDYING),
  Type.Literal(ProjectState.COMPLETED),
])

export const ProjectSummarySchema = ClosedObject({
  id: IdSchema,
  title: Type.String(),
  year: Type.Integer(),
  categoryCode: Type.String(),
  priceFen: FenSchema,
  /** Hours a learner must earn to complete the plan, in 学时 (may be fractional, e.g. 1.5). */
  requiredHours: Type.Number(),
  courseCount: Type.Integer(),
  totalHours: Type.Number(),
  coverUrl: Nullable(Type.String()),
  state: ProjectStateSchema,
})
export type ProjectSummary = Static<typeof ProjectSummarySchema>

export const CategorySchema = ClosedObject({
  id: IdSchema,
  code: Type.String(),
  name: Type.String(),
  projects: Type.Array(ProjectSummarySchema),
})
export type Category = Static<typeof CategorySchema>

export const CatalogueSchema = ClosedObject({
  categories: Type.Array(CategorySchema),
  yearlyRule: ClosedObject({ total: Type.Integer(), publicSubjects: Type.Integer(), professionalSubjects: Type.Integer() }),
})
export type Catalogue = Static<typeof CatalogueSchema>

/** What a course card shows wherever courses are listed: the project page and 进入学习. */
export const courseCardFields = {
  id: IdSchema,
  title: Type.String(),
  lecturer: Type.String(),
  hours: Type.Number(),
  coverUrl: Type.String(),
  chapterCount: Type.Integer(),
}

export const CourseSummarySchema = ClosedObject({ ...courseCardFields, durationSeconds: Type.Integer() })
export type CourseSummary = Static<typeof CourseSummarySchema>

export const ProjectDetailSchema = ClosedObject({
  project: ProjectSummarySchema,
  categoryName: Type.String(),
  description: Type.String(),
  courses: Type.Array(CourseSummarySchema),
})
export type ProjectDetail = Static<typeof ProjectDetailSchema>
