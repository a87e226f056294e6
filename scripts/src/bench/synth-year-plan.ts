/**
 * The synthetic year's population, drawn from a seed (bench:synth-year). Everything a learner did
 * in the year is a pure function of (seed, learner number): each table's COPY walks the learners
 * again and takes its own rows, so no table has to wait in memory for another.
 */
import { CERTIFICATE_NUMBER_ALPHABET, certificateCheckChar, idNumberCheckChar } from '@app/shared'

/**
 * sfc32 (Chris Doty-Humphrey's small fast counter generator): 128 bits of state, so the streams
 * of 20,000 learners do not overlap (a 32-bit state would: their sequences are windows of one cycle).
 */
export function prng(a: number, b = 0x9e3779b9, c = 0x243f6a88, d = 0xb7e15162) {
  a >>>= 0
  b >>>= 0
  c >>>= 0
  d >>>= 0
  const next = () => {
    const t = (((a + b) >>> 0) + d) >>> 0
    d = (d + 1) >>> 0
    a = b ^ (b >>> 9)
    b = (c + (c << 3)) >>> 0
    c = (c << 21) | (c >>> 11)
    c = (c + t) >>> 0
    return t / 4294967296
  }
  for (let i = 0; i < 12; i++) next()
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(items: readonly T[]) => items[Math.floor(next() * items.length)] as T,
    chance: (p: number) => next() < p,
  }
}
export type Prng = ReturnType<typeof prng>

/** One learner's own stream: seed, learner number and stream number each fill a word of the state. */
export function learnerPrng(seed: number, learner: number, stream = 0): Prng {
  return prng(seed, learner + 1, stream + 0x51ed, 0x2545f491)
}

/**
 * A version-4-shaped UUID: random-looking leading bytes (like the server's, so the B-tree sees
 * them scattered) and, in the last 12 hex digits, the learner and the row's number, so two rows
 * never share an id.
 */
export function uuidFrom(r: Prng, learner: number, k: number): string {
  const hex = (n: number, width: number) => Math.floor(n).toString(16).padStart(width, '0').slice(-width)
  const tail = hex(learner, 7) + hex(k, 5)
  return `${hex(r.next() * 2 ** 32, 8)}-${hex(r.next() * 65536, 4)}-4${hex(r.next() * 4096, 3)}-${'89ab'[Math.floor(r.next() * 4)]}${hex(r.next() * 4096, 3)}-${tail}`
}

export const YEAR = 2026
export const YEAR_START = Date.UTC(YEAR, 0, 1) - 8 * 3600_000 // midnight, China time
const DAY = 86_400_000
export const REPORT_EVERY_MS = 10_000

export interface SynthChapter { id: number; durationMs: number }
export interface SynthCourse { id: number; hours: number; chapters: SynthChapter[]; questionIds: number[] }
export interface SynthProject { id: number; title: string; requiredHours: number; priceFen: number; courses: SynthCourse[] }
export interface SynthUnit { id: number; name: string; districtCode: string }

export interface Population {
  seed: number
  learners: number
  projects: SynthProject[]
  units: SynthUnit[]
  /** Per learner (index = user id − 1): unit index, the 专业 project (−1: none), bought the 公需 plan through the unit. */
  unitOf: Int32Array
  professionalOf: Int32Array
  groupBought: Uint8Array
  /** Group order of each unit for the 公需 plan: its seats (0: the unit bought none) and its buyer (a learner of the unit). */
  groupSeats: Int32Array
  groupBuyer: Int32Array
}

/** Who belongs where and bought what: the few facts other learners' rows depend on (group orders' sizes). */
export function drawPopulation(seed: number, learners: number, projects: SynthProject[], units: SynthUnit[]): Population {
  const unitOf = new Int32Array(learners)
  const professionalOf = new Int32Array(learners)
  const groupBought = new Uint8Array(learners)
  const groupSeats = new Int32Array(units.length)
  const groupBuyer = new Int32Array(units.length).fill(-1)
  // Some units buy for their staff (团体购买); a third of all 公需 plans are bought that way.
  const buysForStaff = units.map((_, u) => learnerPrng(seed, u, 99).chance(0.5))
  for (let i = 0; i < learners; i++) {
    const r = learnerPrng(seed, i, 1)
    // Unit sizes are skewed: a few big hospitals and schools, many small offices.
    const u = Math.min(units.length - 1, Math.floor(units.length * r.next() ** 1.6))
    unitOf[i] = u
    professionalOf[i] = r.chance(0.6) ? 1 + Math.floor(r.next() * (projects.length - 1)) : -1
    if (buysForStaff[u] && r.chance(0.7)) {
      groupBought[i] = 1
      groupSeats[u] = (groupSeats[u] as number) + 1
      if (groupBuyer[u] === -1) groupBuyer[u] = i
    }
  }
  return { seed, learners, projects, units, unitOf, professionalOf, groupBought, groupSeats, groupBuyer }
}

// Ids of the rows a learner owns, fixed by the learner's number (gaps are harmless in serial columns).
export const orderIdOfGroup = (unit: number) => unit + 1
export const orderIdOf = (p: Population, learner: number, slot: 0 | 1 | 2) => p.units.length + 3 * learner + slot + 1
export const enrollmentIdOf = (learner: number, slot: 0 | 1) => 2 * learner + slot + 1

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛'
const GIVEN = '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华玉萍红娥玲芬燕彬鹏辉建国志海雪梅晓东文斌'

export function personOf(p: Population, learner: number) {
  const r = learnerPrng(p.seed, learner, 2)
  const name = r.pick([...SURNAMES]) + r.pick([...GIVEN]) + (r.chance(0.6) ? r.pick([...GIVEN]) : '')
  const district = p.units[p.unitOf[learner] as number]!.districtCode
  // Unique by construction: the learner number sits in the birth date and sequence digits.
  const year = 1960 + (learner % 40)
  const month = 1 + (Math.floor(learner / 40) % 12)
  const day = 1 + (Math.floor(learner / 480) % 28)
  const seq = Math.floor(learner / 13_440) % 1000
  const first17 = `${district}${year}${String(month).padStart(2, '0')}${String(day).padStart(2, '0')}${String(seq).padStart(3, '0')}`
  return { name, idNumber: first17 + idNumberCheckChar(first17), phone: `1${r.pick(['39', '58', '87', '36', '77'])}${String(learner).padStart(8, '0')}` }
}

/** CQ + year + 12 characters + check: 5 random, then the enrolment id in base 32 (unique). */
export function certificateNumber(r: Prng, enrollmentId: number): string {
  let random = ''
  for (let i = 0; i < 5; i++) random += r.pick([...CERTIFICATE_NUMBER_ALPHABET])
  let id = ''
  for (let n = enrollmentId, i = 0; i < 7; i++, n = Math.floor(n / 32)) id = CERTIFICATE_NUMBER_ALPHABET[n % 32] + id
  const body = `CQ${YEAR}${random}${id}`
  return body + certificateCheckChar(body)
}

/** When the learner registered and first bought: its own stream, so tables that need only this skip the year. */
export function learnerStart(p: Population, learner: number) {
  const r = learnerPrng(p.seed, learner, 8)
  const firstStudy = YEAR_START + r.int(3, 300) * DAY + r.int(8, 22) * 3600_000 + r.int(0, 3599) * 1000
  return { firstStudy, boughtAt: firstStudy - r.int(1, 20) * 3600_000 }
}

export interface Session {
  id: string
  chapterId: number
  courseId: number
  openedAt: number
  /** Video position (ms) where the session started and how much it credited. */
  fromMs: number
  creditedMs: number
  reports: number
  completesChapter: boolean
  completesCourse: boolean
  completesPlan: boolean
  /** Question shown with the report of this number (0: none), and the learner's answers to it. */
  questionAtReport: number
  questionId: number
  answers: { correct: boolean; at: number }[]
}

export interface Enrolment {
  slot: 0 | 1
  project: SynthProject
  orderId: number
  group: boolean
  boughtAt: number
  outcome: 'completed' | 'studying' | 'not_started'
  completedCourses: { course: SynthCourse; at: number }[]
  completedAt: number | null
  chapterState: Map<number, { creditedMs: number; completedAt: number | null; updatedAt: number; courseId: number }>
}

export interface LearnerYear {
  enrolments: Enrolment[]
  sessions: Session[]
  lastActivity: number
}

/**
 * The learner's year: plans bought, then study days of 30–150 minutes from a start date, chapter
 * after chapter of courses picked until the plan's hours are reached (or, for the 12 % still
 * studying at the year's end, part of them); 6 % never start. A 防挂机 question every 300–900 s of
 * credited video; 8 % of answers are wrong and followed by a right one.
 */
export function learnerYear(p: Population, learner: number): LearnerYear {
  // Tables loaded side by side walk the learners in the same order: a recent learner's year is
  // asked for again by the next table, so the last few thousand are kept rather than drawn again.
  let cache = recentYears.get(p)
  if (!cache) recentYears.set(p, (cache = new Map()))
  const hit = cache.get(learner)
  if (hit) return hit
  const year = drawLearnerYear(p, learner)
  cache.set(learner, year)
  if (cache.size > 8000) cache.delete(cache.keys().next().value as number)
  return year
}
const recentYears = new WeakMap<Population, Map<number, LearnerYear>>()

function drawLearnerYear(p: Population, learner: number): LearnerYear {
  const r = learnerPrng(p.seed, learner, 3)
  const projects = [p.projects[0]!]
  const pro = p.professionalOf[learner] as number
  if (pro >= 0) projects.push(p.projects[pro]!)
  const start = learnerStart(p, learner)
  let clock = start.firstStudy
  const sessions: Session[] = []
  const enrolments: Enrolment[] = []
  let dayBudgetMs = r.int(30, 150) * 60_000
  let untilQuestionMs = r.int(300, 900) * 1000
  const nextDay = () => {
    const dayStart = Math.floor((clock - YEAR_START) / DAY) * DAY + YEAR_START
    clock = dayStart + r.int(1, 4) * DAY + r.int(8, 21) * 3600_000 + r.int(0, 3599) * 1000
    dayBudgetMs = r.int(30, 150) * 60_000
  }
  projects.forEach((project, slot) => {
    const group = slot === 0 && p.groupBought[learner] === 1
    const boughtAt = slot === 0 ? start.boughtAt : clock - r.int(1, 20) * 3600_000
    const roll = r.next()
    const outcome = roll < 0.82 ? 'completed' : roll < 0.94 ? 'studying' : 'not_started'
    const goal = outcome === 'completed' ? project.requiredHours : outcome === 'studying' ? project.requiredHours * (0.1 + 0.8 * r.next()) : 0
    const order = [...project.courses]
    for (let k = order.length - 1; k > 0; k--) {
      const j = Math.floor(r.next() * (k + 1))
      ;[order[k], order[j]] = [order[j]!, order[k]!]
    }
    const enrolment: Enrolment = {
      slot: slot as 0 | 1,
      project,
      orderId: group ? orderIdOfGroup(p.unitOf[learner] as number) : orderIdOf(p, learner, slot as 0 | 1),
      group,
      boughtAt,
      outcome,
      completedCourses: [],
      completedAt: null,
      chapterState: new Map(),
    }
    enrolments.push(enrolment)
    let counted = 0
    for (const course of order) {
      if (counted >= goal) break
      // A learner still studying stops part-way through the course that would pass the goal.
      const stopInside = outcome === 'studying' && counted + course.hours > goal
      for (const [ci, chapter] of course.chapters.entries()) {
        const lastChapter = ci === course.chapters.length - 1
        if (stopInside && ci >= course.chapters.length / 2) break
        let positionMs = 0
        while (positionMs < chapter.durationMs) {
          if (dayBudgetMs <= 0) nextDay()
          // Now and then a playback ends early (the learner closed the page); a new session resumes.
          const cut = r.chance(0.15) ? r.int(1, 9) * REPORT_EVERY_MS * 6 : Infinity
          const lengthMs = Math.min(chapter.durationMs - positionMs, dayBudgetMs, cut)
          const reports = Math.max(1, Math.ceil(lengthMs / REPORT_EVERY_MS))
          const completesChapter = positionMs + lengthMs >= chapter.durationMs
          const completesCourse = completesChapter && lastChapter && !stopInside
          const session: Session = {
            id: uuidFrom(r, learner, sessions.length),
            chapterId: chapter.id,
            courseId: course.id,
            openedAt: clock,
            fromMs: positionMs,
            creditedMs: lengthMs,
            reports,
            completesChapter,
            completesCourse,
            completesPlan: completesCourse && counted + course.hours >= project.requiredHours && enrolment.completedAt === null,
            questionAtReport: 0,
            questionId: 0,
            answers: [],
          }
          untilQuestionMs -= lengthMs
          if (untilQuestionMs <= 0 && !completesChapter) {
            session.questionAtReport = Math.max(1, reports - Math.ceil(-untilQuestionMs / REPORT_EVERY_MS))
            session.questionId = r.pick(course.questionIds)
            let at = clock + session.questionAtReport * REPORT_EVERY_MS + r.int(3, 40) * 1000
            while (r.chance(0.08)) {
              session.answers.push({ correct: false, at })
              at += r.int(3, 30) * 1000
            }
            session.answers.push({ correct: true, at })
            untilQuestionMs = r.int(300, 900) * 1000
          }
          sessions.push(session)
          clock += reports * REPORT_EVERY_MS + r.int(5, 90) * 1000
          dayBudgetMs -= lengthMs
          positionMs += lengthMs
          const state = enrolment.chapterState.get(chapter.id) ?? { creditedMs: 0, completedAt: null, updatedAt: clock, courseId: course.id }
          state.creditedMs = positionMs
          state.updatedAt = clock
          if (completesChapter) state.completedAt = clock
          enrolment.chapterState.set(chapter.id, state)
          if (completesCourse) {
            enrolment.completedCourses.push({ course, at: clock })
            if (session.completesPlan) enrolment.completedAt = clock
          }
        }
      }
      if (stopInside) break
      counted += course.hours
    }
  })
  return { enrolments, sessions, lastActivity: clock }
}
