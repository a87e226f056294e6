import type { AntiIdleQuestion, ChapterProgress, PlaybackSession, ProgressAck } from '@app/shared/learning'
import { onBeforeUnmount, onMounted, ref, shallowRef } from 'vue'
import type { ApiError } from '@/api/http.ts'
import { isPlaybackLost, openPlaybackSession } from '@/api/learning.ts'
import { appReportQueue, type ReportQueueEvent } from '@/api/progress-report-queue.ts'
import type { VideoPlayerHandle } from '@/components/VideoPlayer.vue'

export interface VideoProgressOptions {
  player: () => VideoPlayerHandle | undefined
  /** The server's state of a chapter (credited seconds, completion) from a session or an ack. */
  onChapter: (chapter: ChapterProgress) => void
  /** A 防挂机 question the server is waiting for. */
  onQuestion: (question: AntiIdleQuestion) => void
  /** Every acknowledged report (course and plan completion are read from it). */
  onAck?: (ack: ProgressAck) => void
  /** The server refused the current session for good (played elsewhere, or gone). */
  onInterrupted: (error: ApiError) => void
  /** The player was sent back to where credit stands (it may have reached the end meanwhile). */
  onRewind?: (seconds: number) => void
}

/**
 * Earlier reports are sent before a new session opens (opening supersedes the old session and the
 * server refuses its reports afterwards, so their seconds would be lost). A slow server gets this
 * long to answer them — longer than a report interval, so the report that completes a chapter is
 * not dropped when the learner taps 「下一章」 at once — but a dead network must not block forever.
 */
const FLUSH_BEFORE_OPEN_MS = 15_000
/** Seeking back for a rewind smaller than this would only stutter the video. */
const REWIND_EPSILON_SECONDS = 0.5

function within(promise: Promise<void>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms)
    void promise.finally(() => {
      clearTimeout(timer)
      resolve()
    })
  })
}

/**
 * Playback sessions and progress reports for the player (LRN-4, LRN-7). A session is opened by the
 * server when a chapter starts; while the video plays a report goes into the persistent queue every
 * `reportIntervalSeconds`, and on pause, end and when the page is hidden. The server's answers
 * drive what the page shows: credited progress, rewinds, 防挂机 questions, completion.
 */
export function useVideoProgress(options: VideoProgressOptions) {
  const queue = appReportQueue()
  /** The open playback session, or null before a chapter starts and after it was superseded. */
  const session = shallowRef<PlaybackSession | null>(null)
  /** A session is being opened. */
  const opening = ref(false)
  /** Reports are waiting for the network; they are sent when it returns. */
  const waitingForNetwork = ref(false)

  // performance.now() when the session was opened: the clock of clientElapsedMs. Taken when the
  // answer arrives, so the page's clock never runs ahead of the server's.
  let openedAt = 0
  let seq = 0
  let lastSent: { position: number; playing: boolean } | undefined
  let timer: ReturnType<typeof setInterval> | undefined
  /** Answers to reports up to this seq were written before the last question was answered. */
  let settledUpToSeq = 0

  function stopTimer(): void {
    if (timer !== undefined) clearInterval(timer)
    timer = undefined
  }

  /** Queues a report of the current position (no-op without a session). */
  function report(playing: boolean): void {
    const current = session.value
    const player = options.player()
    if (!current || !player) return
    const position = Math.round(player.currentTime() * 1000) / 1000
    // A paused player reporting the same spot again tells the server nothing.
    if (!playing && lastSent && !lastSent.playing && lastSent.position === position) return
    seq += 1
    lastSent = { position, playing }
    queue.enqueue(current.sessionId, {
      seq,
      positionSeconds: position,
      clientElapsedMs: Math.max(0, Math.round(performance.now() - openedAt)),
      playing,
    })
  }

  /** The video started or resumed playing. */
  function onPlay(): void {
    const current = session.value
    if (!current) return
    stopTimer()
    timer = setInterval(() => report(true), current.reportIntervalSeconds * 1000)
  }

  /** The video paused or reached its end. */
  function onPause(): void {
    stopTimer()
    report(false)
  }

  /** Final report of the current session; the queue still delivers it after the page moves on. */
  function stop(): void {
    stopTimer()
    if (session.value) report(false)
    session.value = null
  }

  /** Opens a playback session for a chapter (and ends the one before). */
  async function start(chapterId: number): Promise<PlaybackSession> {
    stop()
    opening.value = true
    try {
      // Reports still waiting (the previous chapter, or this page before a reload) go first:
      // opening a session supersedes the older one and the server would refuse them afterwards.
      await within(queue.flush(), FLUSH_BEFORE_OPEN_MS)
      const opened = await openPlaybackSession(chapterId)
      openedAt = performance.now()
      seq = 0
      settledUpToSeq = 0
      lastSent = undefined
      session.value = opened
      options.onChapter(opened.chapter)
      if (opened.question) options.onQuestion(opened.question)
      return opened
    } finally {
      opening.value = false
    }
  }

  /** The learner answered the question: acks of reports sent before that may still carry it. */
  function questionAnswered(): void {
    settledUpToSeq = seq
  }

  function onQueueEvent(event: ReportQueueEvent): void {
    if (event.type === 'retrying') {
      waitingForNetwork.value = true
      return
    }
    if (event.type === 'drained') {
      waitingForNetwork.value = false
      return
    }
    const current = session.value
    const isCurrent = current !== null && event.sessionId === current.sessionId
    if (event.type === 'rejected') {
      // A single malformed report is dropped quietly; losing the session stops playback.
      if (!isCurrent || !isPlaybackLost(event.error)) return
      stopTimer()
      session.value = null
      options.player()?.pause()
      options.onInterrupted(event.error)
      return
    }
    waitingForNetwork.value = false
    const { ack, report: sent } = event
    options.onChapter(ack.chapter)
    options.onAck?.(ack)
    if (!isCurrent || sent.seq <= settledUpToSeq) return
    const player = options.player()
    // The position was ahead of what may be credited (a seek or speed-up the guard missed, or the
    // moment a question fell due): back to where credit stands.
    if (player && ack.rewindTo !== null && player.currentTime() > ack.rewindTo + REWIND_EPSILON_SECONDS) {
      player.seek(ack.rewindTo)
      options.onRewind?.(ack.rewindTo)
    }
    if (ack.question) options.onQuestion(ack.question)
  }

  function onPageHide(): void {
    const player = options.player()
    report(player ? !player.paused() : false)
  }

  function onVisibility(): void {
    if (document.visibilityState === 'hidden') onPageHide()
  }

  let unsubscribe: (() => void) | undefined
  onMounted(() => {
    unsubscribe = queue.subscribe(onQueueEvent)
    window.addEventListener('pagehide', onPageHide)
    document.addEventListener('visibilitychange', onVisibility)
  })
  onBeforeUnmount(() => {
    stop()
    unsubscribe?.()
    window.removeEventListener('pagehide', onPageHide)
    document.removeEventListener('visibilitychange', onVisibility)
  })

  return { session, opening, waitingForNetwork, start, stop, report, onPlay, onPause, questionAnswered }
}
