import type { FastifyInstance } from 'fastify'
import type { ProgressAck } from '@app/shared'
import type { TestApp } from './app.ts'
import { bearer, type Registered } from './auth.ts'
import { courseOutline } from './factories.ts'

/**
 * Completes a plan the honest way: plays every chapter through the learning API in 10-second
 * reports while the test clock moves with them, until the server says the plan is complete.
 */
export async function completePlan(t: TestApp, learner: Registered, projectId: number): Promise<void> {
  const outline = await courseOutline(t.database.db, projectId)
  for (const course of outline) {
    for (const chapter of course.chapters) {
      const ack = await watchChapter(t.app, t, learner, chapter)
      if (ack?.planCompleted) return
    }
  }
  throw new Error('the plan did not complete')
}

async function watchChapter(app: FastifyInstance, t: TestApp, learner: Registered, chapter: { id: number; durationSeconds: number }) {
  const opened = await app.inject({ method: 'POST', url: `/api/learning/chapters/${chapter.id}/sessions`, headers: bearer(learner.accessToken) })
  if (opened.statusCode !== 201) throw new Error(`open ${opened.statusCode} ${opened.body}`)
  const { sessionId } = opened.json() as { sessionId: string }
  let position = 0
  let elapsed = 0
  let seq = 0
  let ack: ProgressAck | undefined
  while (position < chapter.durationSeconds) {
    const step = Math.min(10, chapter.durationSeconds - position)
    t.clock.advance(step * 1000)
    elapsed += step * 1000
    position += step
    const res = await app.inject({
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
