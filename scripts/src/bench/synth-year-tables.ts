/**
 * The rows of each table for bench:synth-year, as COPY lines, in the columns the migrations define.
 * Each producer walks learners `from`, `from + step`, … so a big table can be loaded by parallel
 * streams. Stored as the server stores them: ID numbers and phones sealed with blind indexes,
 * certificates signed, every report with its answer (`ack`).
 */
import { PRIVACY_POLICY_VERSION } from '@app/shared'
import { sealedUserColumns, signCertificate } from '@app/server/commands'
import { iso, line } from './synth-year-copy.ts'
import type { Catalogue } from './synth-year-catalogue.ts'
import { certificateNumber, enrollmentIdOf, learnerPrng, learnerStart, learnerYear, orderIdOf, orderIdOfGroup, personOf, REPORT_EVERY_MS, uuidFrom, YEAR, type Population } from './synth-year-plan.ts'

export const CERTIFICATE_KEY = 'synth-year-signing-key'
const ISSUER = '重庆市某某继续教育培训中心（示例）'
export const FINANCE_STAFF_ID = 1
/** How long after its last report an ended session is compacted (the progress-history job's pass). */
const COMPACTED_AFTER_MS = 3_600_000

type Producer = () => Iterable<string>
export interface TableLoad {
  table: string
  columns: string[]
  produce: (from: number, step: number) => Producer
  /** Loaded together with the other learning tables (after the accounts and orders). */
  reportsPhase?: boolean
}

function* learnersOf(p: Population, from: number, step: number) {
  for (let i = from; i < p.learners; i += step) yield i
}

const uid = (i: number) => i + 1
const outTradeNo = (orderId: number) => `JX${YEAR}${String(orderId).padStart(12, '0')}`

export function catalogueLoads(c: Catalogue): TableLoad[] {
  const once = (rows: string[]) => (from: number) => () => (from === 0 ? rows : [])
  return [
    { table: 'categories', columns: ['id', 'code', 'name', 'sort'], produce: once(c.categories.map((x) => line([x.id, x.code, x.name, x.id]))) },
    {
      table: 'projects',
      columns: ['id', 'code', 'category_id', 'title', 'year', 'price_fen', 'required_hours', 'sort', 'published'],
      produce: once(c.projects.map((x) => line([x.id, `synth-${YEAR}-${x.id}`, x.id === 1 ? 1 : 2, x.title, YEAR, x.priceFen, x.requiredHours, x.id, 1]))),
    },
    { table: 'courses', columns: ['id', 'project_id', 'code', 'title', 'hours', 'cover_url', 'sort'], produce: once(c.courseRows.map((x) => line([x.id, x.projectId, x.code, x.title, x.hours, '/media/covers/synth.svg', x.sort]))) },
    {
      table: 'chapters',
      columns: ['id', 'course_id', 'code', 'title', 'video_url', 'duration_seconds', 'sort'],
      produce: once(c.chapterRows.map((x) => line([x.id, x.courseId, x.code, x.title, `/media/synth/${x.courseId}/${x.code}.mp4`, x.durationSeconds, x.sort]))),
    },
    {
      table: 'questions',
      columns: ['id', 'course_id', 'code', 'prompt', 'options', 'answer_index'],
      produce: once(c.questionRows.map((x) => line([x.id, x.courseId, x.code, x.prompt, JSON.stringify(x.options), x.answerIndex]))),
    },
  ]
}

export function populationLoads(p: Population, questionJson: Map<number, string>): TableLoad[] {
  return [
    {
      table: 'organisations',
      columns: ['id', 'name', 'district_code', 'is_sample', 'created_at'],
      produce: (from) => () => (from === 0 ? p.units.map((u) => line([u.id, u.name, u.districtCode, true, iso(Date.UTC(YEAR - 1, 11, 1))])) : []),
    },
    {
      table: 'users',
      columns: ['id', 'real_name', 'id_number_sealed', 'id_number_index', 'phone_sealed', 'phone_index', 'password_hash', 'created_at', 'updated_at'],
      produce: (from, step) =>
        function* () {
          for (const i of learnersOf(p, from, step)) {
            const person = personOf(p, i)
            const s = sealedUserColumns(person)
            const at = iso(learnerStart(p, i).boughtAt - 86_400_000)
            yield line([uid(i), person.name, s.idNumberSealed, s.idNumberIndex, s.phoneSealed, s.phoneIndex, 'scrypt$disabled', at, at])
          }
        },
    },
    {
      table: 'consents',
      columns: ['user_id', 'policy_version', 'kind', 'granted_at', 'client'],
      produce: (from, step) =>
        function* () {
          for (const i of learnersOf(p, from, step)) {
            const at = iso(learnerStart(p, i).boughtAt - 86_400_000)
            yield line([uid(i), PRIVACY_POLICY_VERSION, 'policy', at, 'register']) + line([uid(i), PRIVACY_POLICY_VERSION, 'sensitive_id', at, 'register'])
          }
        },
    },
    {
      table: 'wechat_bindings',
      columns: ['app_id', 'openid', 'user_id', 'created_at'],
      produce: (from, step) =>
        function* () {
          for (const i of learnersOf(p, from, step)) {
            if (learnerPrng(p.seed, i, 4).chance(0.8)) yield line(['wxsynth', `oSynth${String(i).padStart(22, '0')}`, uid(i), iso(learnerStart(p, i).boughtAt)])
          }
        },
    },
    {
      table: 'sessions',
      columns: ['id', 'user_id', 'created_at', 'last_refreshed_at', 'expires_at', 'revoked_at', 'revoked_reason', 'signed_in_with'],
      produce: (from, step) =>
        function* () {
          for (const i of learnersOf(p, from, step)) {
            const r = learnerPrng(p.seed, i, 5)
            const { boughtAt } = learnerStart(p, i)
            const n = r.int(1, 4)
            for (let k = 0; k < n; k++) {
              const at = boughtAt + k * 20 * 86_400_000
              const last = k === n - 1
              yield line([uuidFrom(r, i, k), uid(i), iso(at), iso(at + 3_600_000), iso(at + 30 * 86_400_000), last ? null : iso(at + 86_400_000), last ? null : 'signed_out', r.chance(0.7) ? 'wechat' : 'password'])
            }
          }
        },
    },
    {
      table: 'orders',
      columns: ['id', 'out_trade_no', 'buyer_user_id', 'kind', 'project_id', 'unit_price_fen', 'quantity', 'amount_fen', 'status', 'invoice', 'created_at', 'expires_at', 'payer_openid', 'transaction_id', 'paid_at', 'payer_total_fen', 'closed_at', 'close_reason'],
      produce: (from, step) =>
        function* () {
          const plan = p.projects[0]!
          if (from === 0) {
            for (let u = 0; u < p.units.length; u++) {
              const seats = p.groupSeats[u] as number
              if (seats === 0) continue
              const id = orderIdOfGroup(u)
              const at = groupPaidAt(u)
              const wechat = u % 2 === 0
              yield line([id, outTradeNo(id), uid(p.groupBuyer[u] as number), 'group', plan.id, plan.priceFen, seats, seats * plan.priceFen, 'paid', '{"choice":"later"}', iso(at - 3_600_000), iso(at + 86_400_000), wechat ? `oSynth${u}` : null, wechat ? `42000${String(id).padStart(23, '0')}` : null, iso(at), wechat ? seats * plan.priceFen : null, null, null])
            }
          }
          for (const i of learnersOf(p, from, step)) {
            for (const e of learnerYear(p, i).enrolments) {
              if (e.group) continue
              yield line([e.orderId, outTradeNo(e.orderId), uid(i), 'individual', e.project.id, e.project.priceFen, 1, e.project.priceFen, 'paid', '{"choice":"later"}', iso(e.boughtAt - 120_000), iso(e.boughtAt + 7_200_000), `oSynth${i}`, `42000${String(e.orderId).padStart(23, '0')}`, iso(e.boughtAt), e.project.priceFen, null, null])
            }
            // One learner in ten left an order unpaid before (it closed when it expired).
            if (learnerPrng(p.seed, i, 6).chance(0.1)) {
              const id = orderIdOf(p, i, 2)
              const at = learnerStart(p, i).boughtAt - 86_400_000
              yield line([id, outTradeNo(id), uid(i), 'individual', 1, p.projects[0]!.priceFen, 1, p.projects[0]!.priceFen, 'closed', '{"choice":"later"}', iso(at), iso(at + 7_200_000), null, null, null, null, iso(at + 7_200_000), 'expired'])
            }
          }
        },
    },
    {
      table: 'order_items',
      columns: ['order_id', 'learner_user_id', 'project_id', 'active'],
      produce: (from, step) =>
        function* () {
          for (const i of learnersOf(p, from, step)) {
            for (const e of learnerYear(p, i).enrolments) yield line([e.orderId, uid(i), e.project.id, true])
          }
        },
    },
    {
      table: 'enrollments',
      columns: ['id', 'user_id', 'project_id', 'order_id', 'status', 'created_at', 'completed_at'],
      produce: (from, step) =>
        function* () {
          for (const i of learnersOf(p, from, step)) {
            for (const e of learnerYear(p, i).enrolments) {
              yield line([enrollmentIdOf(i, e.slot), uid(i), e.project.id, e.orderId, 'active', iso(e.group ? groupPaidAt(p.unitOf[i] as number) : e.boughtAt), e.completedAt === null ? null : iso(e.completedAt)])
            }
          }
        },
    },
    {
      table: 'payment_notifications',
      columns: ['id', 'event_type', 'out_trade_no', 'outcome', 'received_at'],
      produce: (from, step) =>
        function* () {
          if (from === 0) {
            for (let u = 0; u < p.units.length; u += 2) {
              if ((p.groupSeats[u] as number) > 0) yield line([`synth-notify-g${u}`, 'TRANSACTION.SUCCESS', outTradeNo(orderIdOfGroup(u)), 'paid', iso(groupPaidAt(u) + 2000)])
            }
          }
          for (const i of learnersOf(p, from, step)) {
            for (const e of learnerYear(p, i).enrolments) {
              if (!e.group) yield line([`synth-notify-${e.orderId}`, 'TRANSACTION.SUCCESS', outTradeNo(e.orderId), 'paid', iso(e.boughtAt + 2000)])
            }
          }
        },
    },
    {
      table: 'group_order_transfers',
      columns: ['order_id', 'reference', 'confirmed_at', 'confirmed_by_staff_id', 'received_fen', 'bank_serial'],
      produce: (from) =>
        function* () {
          if (from !== 0) return
          for (let u = 1; u < p.units.length; u += 2) {
            const seats = p.groupSeats[u] as number
            if (seats > 0) yield line([orderIdOfGroup(u), `ZZ${YEAR}${String(u).padStart(6, '0')}`, iso(groupPaidAt(u)), FINANCE_STAFF_ID, seats * p.projects[0]!.priceFen, `BANK${YEAR}${String(u).padStart(8, '0')}`])
          }
        },
    },
    ...learningLoads(p, questionJson),
    {
      reportsPhase: true,
      table: 'certificates',
      columns: ['id', 'number', 'user_id', 'project_id', 'enrollment_id', 'organisation_id', 'district_code', 'organisation_kind', 'real_name', 'id_number_sealed', 'project_title', 'year', 'hours', 'organisation_name', 'issuer_name', 'issued_on', 'signature', 'created_at'],
      produce: (from, step) =>
        function* () {
          for (const i of learnersOf(p, from, step)) {
            const r = learnerPrng(p.seed, i, 7)
            const year = learnerYear(p, i)
            const unit = p.units[p.unitOf[i] as number]!
            const person = personOf(p, i)
            for (const e of year.enrolments) {
              if (e.completedAt === null || !r.chance(0.92)) continue
              const at = e.completedAt + r.int(0, 20) * 86_400_000
              const issuedOn = iso(at + 8 * 3_600_000).slice(0, 10)
              const asUnit = r.chance(0.9)
              const organisationName = asUnit ? unit.name : `重庆市${unit.name.slice(0, 3)}`
              const hours = e.completedCourses.reduce((sum, c) => sum + c.course.hours, 0)
              const number = certificateNumber(r, enrollmentIdOf(i, e.slot))
              const frozen = { number, realName: person.name, idNumber: person.idNumber, projectTitle: e.project.title, year: YEAR, hours, organisationName, issuerName: ISSUER, issuedOn }
              const sealed = sealedUserColumns(person).idNumberSealed
              yield line([enrollmentIdOf(i, e.slot), number, uid(i), e.project.id, enrollmentIdOf(i, e.slot), asUnit ? unit.id : null, unit.districtCode, asUnit ? 'unit' : 'district', person.name, sealed, e.project.title, YEAR, hours.toFixed(1), organisationName, ISSUER, issuedOn, signCertificate(CERTIFICATE_KEY, frozen), iso(at)])
            }
          }
        },
    },
  ]
}

/** Group orders were paid in the first weeks of the year. */
const groupPaidAt = (unit: number) => Date.UTC(YEAR, 0, 2 + (unit % 10), 2, 0, 0)

function learningLoads(p: Population, questionJson: Map<number, string>): TableLoad[] {
  const loads: TableLoad[] = [
    {
      table: 'playback_sessions',
      columns: ['id', 'user_id', 'chapter_id', 'status', 'opened_at', 'last_seq', 'credited_ms', 'last_client_ms', 'last_report_at', 'compacted_seq', 'compacted_at'],
      produce: (from, step) =>
        function* () {
          for (const i of learnersOf(p, from, step)) {
            const { sessions } = learnerYear(p, i)
            for (const [k, s] of sessions.entries()) {
              const status = k === sessions.length - 1 ? 'active' : 'superseded'
              const ended = s.openedAt + s.reports * REPORT_EVERY_MS
              // Every session of the year has ended and been compacted (the progress-history job's work).
              yield line([s.id, uid(i), s.chapterId, status, iso(s.openedAt), s.reports, s.creditedMs, s.reports * REPORT_EVERY_MS, iso(ended), s.reports, iso(ended + COMPACTED_AFTER_MS)])
            }
          }
        },
    },
    {
      table: 'credited_segments',
      columns: ['session_id', 'from_seq', 'to_seq', 'user_id', 'chapter_id', 'from_ms', 'to_ms', 'started_at', 'ended_at', 'credited_ms', 'questions_asked', 'answered_right', 'answered_wrong'],
      produce: (from, step) =>
        function* () {
          for (const i of learnersOf(p, from, step)) {
            for (const s of learnerYear(p, i).sessions) {
              const wrong = s.answers.filter((a) => !a.correct).length
              yield line([s.id, 1, s.reports, uid(i), s.chapterId, s.fromMs, s.fromMs + s.creditedMs, iso(s.openedAt + REPORT_EVERY_MS), iso(s.openedAt + s.reports * REPORT_EVERY_MS), s.creditedMs, s.questionId ? 1 : 0, s.answers.length - wrong, wrong])
            }
          }
        },
    },
    {
      table: 'progress_reports',
      columns: ['session_id', 'seq', 'position_ms', 'credited_ms', 'received_at', 'ack'],
      produce: (from, step) =>
        function* () {
          for (const i of learnersOf(p, from, step)) {
            const { sessions } = learnerYear(p, i)
            for (const s of sessions) {
              const openedAt = s.openedAt
              for (let seq = 1; seq <= s.reports; seq++) {
                const done = Math.min(seq * REPORT_EVERY_MS, s.creditedMs)
                const credited = done - (seq - 1) * REPORT_EVERY_MS
                const position = s.fromMs + done
                const last = seq === s.reports
                const completed = last && s.completesChapter
                const question = seq === s.questionAtReport ? questionJson.get(s.questionId) : 'null'
                const ack = `{"seq":${seq},"creditedNow":${credited / 1000},"chapter":{"id":${s.chapterId},"resumeAtSeconds":${position / 1000},"creditedSeconds":${position / 1000},"completed":${completed}},"rewindTo":null,"question":${question},"courseCompleted":${last && s.completesCourse},"planCompleted":${last && s.completesPlan}}`
                yield `${s.id}\t${seq}\t${position}\t${credited}\t${iso(openedAt + seq * REPORT_EVERY_MS + ((seq * 37) % 400))}\t${ack}\n`
              }
            }
          }
        },
    },
    {
      table: 'anti_idle_answers',
      columns: ['user_id', 'question_id', 'course_id', 'chapter_id', 'correct', 'answered_at'],
      produce: (from, step) =>
        function* () {
          for (const i of learnersOf(p, from, step)) {
            for (const s of learnerYear(p, i).sessions) {
              for (const a of s.answers) yield line([uid(i), s.questionId, s.courseId, s.chapterId, a.correct, iso(a.at)])
            }
          }
        },
    },
    {
      table: 'anti_idle_state',
      columns: ['user_id', 'credited_since_question_ms', 'next_due_ms', 'last_answer_at', 'correct_answers', 'wrong_in_a_row', 'credit_clock_at'],
      produce: (from, step) =>
        function* () {
          for (const i of learnersOf(p, from, step)) {
            const { sessions, lastActivity } = learnerYear(p, i)
            if (sessions.length === 0) continue
            const answers = sessions.flatMap((s) => s.answers)
            const lastAnswer = answers.at(-1)
            yield line([uid(i), 0, 600_000, lastAnswer ? iso(lastAnswer.at) : null, answers.filter((a) => a.correct).length, 0, iso(lastActivity)])
          }
        },
    },
    {
      table: 'chapter_progress',
      columns: ['user_id', 'chapter_id', 'credited_ms', 'furthest_ms', 'completed_at', 'updated_at', 'checkpoint_ms', 'checkpoint_epoch'],
      produce: (from, step) =>
        function* () {
          for (const i of learnersOf(p, from, step)) {
            for (const e of learnerYear(p, i).enrolments) {
              for (const [chapterId, c] of e.chapterState) {
                yield line([uid(i), chapterId, c.creditedMs, c.creditedMs, c.completedAt === null ? null : iso(c.completedAt), iso(c.updatedAt), 0, 0])
              }
            }
          }
        },
    },
    {
      table: 'course_completions',
      columns: ['user_id', 'course_id', 'project_id', 'hours', 'completed_at'],
      produce: (from, step) =>
        function* () {
          for (const i of learnersOf(p, from, step)) {
            for (const e of learnerYear(p, i).enrolments) {
              for (const c of e.completedCourses) yield line([uid(i), c.course.id, e.project.id, c.course.hours.toFixed(1), iso(c.at)])
            }
          }
        },
    },
  ]
  return loads.map((t) => ({ ...t, reportsPhase: t.table !== 'progress_reports' }))
}
