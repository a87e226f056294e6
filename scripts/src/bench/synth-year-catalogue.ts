/**
 * The synthetic year's catalogue and units (bench:synth-year): one 公需科目 plan of 30 学时 and four
 * 专业科目 plans of 60 学时, each with more courses than needed (learners choose), two chapters per
 * 学时 and five 防挂机 questions per course; units spread over Chongqing's 区县.
 */
import { CHONGQING_DISTRICTS } from '@app/server/commands'
import { prng, YEAR, type SynthProject, type SynthUnit } from './synth-year-plan.ts'

const FIELDS = ['卫生', '教育', '工程', '农业']
const UNIT_KINDS = ['人民医院', '第一中学', '实验小学', '疾病预防控制中心', '建设工程质量监督站', '农业农村委员会', '中医院', '职业教育中心', '规划和自然资源局', '妇幼保健院']

export interface Catalogue {
  projects: SynthProject[]
  categories: { id: number; code: string; name: string }[]
  courseRows: { id: number; projectId: number; code: string; title: string; hours: number; sort: number }[]
  chapterRows: { id: number; courseId: number; code: string; title: string; durationSeconds: number; sort: number }[]
  questionRows: { id: number; courseId: number; code: string; prompt: string; options: string[]; answerIndex: number }[]
}

/** Video minutes per 学时 is a parameter: 45 is the real ratio; fewer keep a scaled run short (sizes are projected). */
export function buildCatalogue(seed: number, minutesPerHour: number): Catalogue {
  const r = prng(seed ^ 0x5eed)
  const categories = [
    { id: 1, code: 'public', name: '专技人员公需科目' },
    { id: 2, code: 'professional', name: '专业科目' },
  ]
  const projects: SynthProject[] = []
  const courseRows: Catalogue['courseRows'] = []
  const chapterRows: Catalogue['chapterRows'] = []
  const questionRows: Catalogue['questionRows'] = []
  const plans = [
    { title: `重庆市${YEAR}年专技人员继续教育公需科目培训`, requiredHours: 30, priceFen: 9000, courses: 12, hours: [2, 4] },
    ...FIELDS.map((f) => ({ title: `重庆市${YEAR}年${f}系列专业科目培训`, requiredHours: 60, priceFen: 18000, courses: 20, hours: [2, 5] })),
  ]
  plans.forEach((plan, pi) => {
    const project: SynthProject = { id: pi + 1, title: plan.title, requiredHours: plan.requiredHours, priceFen: plan.priceFen, courses: [] }
    for (let c = 0; c < plan.courses; c++) {
      const id = courseRows.length + 1
      const hours = r.int(plan.hours[0]!, plan.hours[1]!)
      courseRows.push({ id, projectId: project.id, code: `c${c + 1}`, title: `${plan.title.slice(9, 15)}课程${c + 1}`, hours, sort: c })
      const course = { id, hours, chapters: [] as { id: number; durationMs: number }[], questionIds: [] as number[] }
      for (let k = 0; k < hours * 2; k++) {
        const chapterId = chapterRows.length + 1
        const durationSeconds = Math.round(((minutesPerHour * 60) / 2) * (0.8 + 0.4 * r.next()))
        chapterRows.push({ id: chapterId, courseId: id, code: `ch${k + 1}`, title: `第${k + 1}讲`, durationSeconds, sort: k })
        course.chapters.push({ id: chapterId, durationMs: durationSeconds * 1000 })
      }
      for (let q = 0; q < 5; q++) {
        const qid = questionRows.length + 1
        questionRows.push({ id: qid, courseId: id, code: `q${q + 1}`, prompt: `第${q + 1}题：本讲强调的要点是哪一项？`, options: ['依法履职', '终身学习', '安全生产', '以上都是'], answerIndex: 3 })
        course.questionIds.push(qid)
      }
      project.courses.push(course)
    }
    projects.push(project)
  })
  return { projects, categories, courseRows, chapterRows, questionRows }
}

/** About one unit per 50 learners, in every 区县, more in the central districts. */
export function buildUnits(seed: number, learners: number): SynthUnit[] {
  const r = prng(seed ^ 0x0417)
  const count = Math.max(40, Math.round(learners / 50))
  const districts = CHONGQING_DISTRICTS
  return Array.from({ length: count }, (_, u) => {
    const district = u < districts.length ? districts[u]! : districts[Math.floor(districts.length * r.next() ** 2)]!
    return { id: u + 1, name: `${district.name}${UNIT_KINDS[u % UNIT_KINDS.length]}（${Math.floor(u / UNIT_KINDS.length) + 1}）`, districtCode: district.code }
  })
}
