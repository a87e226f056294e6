import { sql } from 'drizzle-orm'
import type { PlaybackSession, ProgressAck } from '@app/shared'
import type { TestApp } from './app.ts'
import { bearer, registerLearner, type Registered } from './auth-helpers.ts'
import { firstProject } from './catalogue-helpers.ts'
import { courseOutline, enrol } from './factories.ts'

// Learning tests speak HTTP to the listening server (fetch), so parallel requests are really parallel.

export interface Answer<T> {
  status: number
  body: T & { code?: string }
}

async function call<T>(t: TestApp, learner: Registered, method: string, path: string, payload?: unknown): Promise<Answer<T>> {
  const res = await fetch(`${t.baseUrl}/api/learning${path}`, {
    method,
    headers: { authorization: `Bearer ${learner.accessToken}`, ...(payload === undefined ? {} : { 'content-type': 'application/json' }) },
    body: payload === undefined ? undefined : typeof payload === 'string' ? payload : JSON.stringify(payload),
  })
  return { status: res.status, body: (await res.json()) as T & { code?: string } }
}

export function openSession(t: TestApp, learner: Registered, chapterId: number) {
  return call<PlaybackSession>(t, learner, 'POST', `/chapters/${chapterId}/sessions`)
}

export interface ReportBody {
  seq: number
  positionSeconds: number
  clientElapsedMs: number
  playing?: boolean
}

/** A report; a string payload is sent as it is (for malformed JSON values). */
export function sendReport(t: TestApp, learner: Registered, sessionId: string, body: ReportBody | string) {
  return call<ProgressAck>(t, learner, 'POST', `/sessions/${sessionId}/reports`, typeof body === 'string' ? body : { playing: true, ...body })
}

export function sendAnswer(t: TestApp, learner: Registered, questionId: number, answerIndex: number) {
  return call<{ correct: boolean; question: { id: number; options: string[] } | null; wrongInARow: number; withdrawn: ProgressAck['chapter'] | null }>(
    t,
    learner,
    'POST',
    '/answers',
    { questionId, answerIndex },
  )
}

/** Everything the learner has been credited, in ms, across all chapters (the database's word). */
export async function totalCreditedMs(t: TestApp, userId: number): Promise<number> {
  const result = await t.database.db.execute(sql`select coalesce(sum(credited_ms), 0)::int as ms from chapter_progress where user_id = ${userId}`)
  const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as Array<{ ms: number }>
  return Number(rows[0]?.ms ?? 0)
}

export async function answerIndexOf(t: TestApp, questionId: number): Promise<{ right: number; wrong: number }> {
  const question = await t.database.db.query.questions.findFirst({ where: (q, { eq }) => eq(q.id, questionId) })
  if (!question) throw new Error(`no question ${questionId}`)
  return { right: question.answerIndex, wrong: (question.answerIndex + 1) % question.options.length }
}

/** The public-subjects plan: its id and its courses' chapters in order. */
export async function publicPlan(t: TestApp) {
  const projectId = (await firstProject(t)).id
  return { projectId, outline: await courseOutline(t.database.db, projectId) }
}

let learnerSerial = 0

export async function enrolledLearner(t: TestApp, projectId: number): Promise<Registered> {
  learnerSerial += 1
  const learner = await registerLearner(t.app, { remoteAddress: `10.77.${Math.floor(learnerSerial / 250)}.${(learnerSerial % 250) + 1}` })
  await enrol(t.database.db, learner.userId, projectId)
  return learner
}

/**
 * Completes a plan the honest way: plays every chapter through the learning API in 10-second
 * reports while the test clock moves with them, until the server says the plan is complete.
 */
export async function completePlan(t: TestApp, learner: Registered, projectId: number): Promise<void> {
  const outline = await courseOutline(t.database.db, projectId)
  for (const course of outline) {
    for (const chapter of course.chapters) {
      const ack = await watchChapter(t, learner, chapter)
      if (ack?.planCompleted) return
    }
  }
  throw new Error('the plan did not complete')
}

/**
 * Plays a chapter honestly from where it resumes to its end, in 10-second reports while the test
 * clock moves with them; the server's answer to the last report (none when nothing was left to play).
 */
export async function watchChapter(t: TestApp, learner: Registered, chapter: { id: number; durationSeconds: number }): Promise<ProgressAck | undefined> {
  const opened = await t.app.inject({ method: 'POST', url: `/api/learning/chapters/${chapter.id}/sessions`, headers: bearer(learner.accessToken) })
  if (opened.statusCode !== 201) throw new Error(`open ${opened.statusCode} ${opened.body}`)
  const { sessionId, chapter: state } = opened.json() as PlaybackSession
  let position = state.resumeAtSeconds
  let elapsed = 0
  let seq = 0
  let ack: ProgressAck | undefined
  while (position < chapter.durationSeconds) {
    const step = Math.min(10, chapter.durationSeconds - position)
    t.clock.advance(step * 1000)
    elapsed += step * 1000
    position += step
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/learning/sessions/${sessionId}/reports`,
      headers: bearer(learner.accessToken),
      payload: { seq: ++seq, positionSeconds: position, clientElapsedMs: elapsed, playing: true },
    })
    if (res.statusCode !== 200) throw new Error(`report ${res.statusCode} ${res.body}`)
    ack = res.json() as ProgressAck
  }
  return ack
}
