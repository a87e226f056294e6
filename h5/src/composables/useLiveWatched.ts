import type { ChapterState } from '@app/shared/learning'
import { computed, onBeforeUnmount, ref, watch } from 'vue'
import type { VideoPlayerHandle } from '@/components/VideoPlayer.vue'
import { liveWatched } from '@/utils/live-watched.ts'

/** How often the shown time follows the playhead: every half second reads as continuous. */
const TICK_MS = 500

/**
 * The watched time under the player, moving as the video plays (utils/live-watched.ts): polls the
 * player and notes when the server's credited seconds last moved (an acknowledged report).
 * Display only: reports and crediting stay with useVideoProgress and the server.
 */
export function useLiveWatched(options: {
  player: () => VideoPlayerHandle | undefined
  chapter: () => ChapterState | undefined
  questionWaiting: () => boolean
}) {
  const position = ref(0)
  const playing = ref(false)
  const now = ref(Date.now())
  /** When the credit last moved, or playback last started after it: the wall clock starts there. */
  let since = Date.now()

  watch(
    () => [options.chapter()?.id, options.chapter()?.creditedSeconds],
    () => {
      since = Date.now()
    },
  )

  const timer = window.setInterval(() => {
    const player = options.player()
    const isPlaying = player ? !player.paused() : false
    if (isPlaying && !playing.value) since = Math.max(since, Date.now())
    playing.value = isPlaying
    position.value = player?.currentTime() ?? 0
    now.value = Date.now()
  }, TICK_MS)
  onBeforeUnmount(() => window.clearInterval(timer))

  return computed(() => {
    const chapter = options.chapter()
    if (!chapter) return { shownSeconds: 0, pendingSeconds: 0 }
    return liveWatched({
      creditedSeconds: chapter.creditedSeconds,
      durationSeconds: chapter.durationSeconds,
      positionSeconds: position.value,
      secondsSinceAck: Math.max(0, (now.value - since) / 1000),
      playing: playing.value,
      questionWaiting: options.questionWaiting(),
      completed: chapter.completed,
    })
  })
}
