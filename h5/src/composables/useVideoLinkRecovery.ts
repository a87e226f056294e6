import type { ChapterVideoLink } from '@app/shared/learning'

// Chapter videos come as signed links that expire after a few hours (docs/security.md, 「Course
// media」). A <video> element cannot tell a 403 from a lost connection, so any media error mid-study
// asks the server for a fresh link and resumes where the learner was. A link that fails again before
// anything has played is not retried for ever: the page then shows the error with its 「重试」.

export interface VideoLinkRecoveryOptions {
  /** GET /api/learning/chapters/:id/video-link */
  fetchLink: (chapterId: number) => Promise<ChapterVideoLink>
  /** Fresh links tried in a row with no playback in between (default 2). */
  maxAttempts?: number
}

export interface RecoveredVideo {
  videoUrl: string
  /** Where to resume: where the video stood, or the credited point when the player lost its place. */
  resumeAt: number
}

export function useVideoLinkRecovery(options: VideoLinkRecoveryOptions) {
  const maxAttempts = options.maxAttempts ?? 2
  let attempts = 0

  return {
    /**
     * The video failed at `position`: a fresh link and where to resume, or null when fresh links
     * keep failing (the file or the network is at fault, not the expiry). Throws the ApiError of the
     * request (not enrolled any more, offline) for the page to show.
     */
    async recover(chapterId: number, position: number, creditedAt: number): Promise<RecoveredVideo | null> {
      if (attempts >= maxAttempts) return null
      attempts += 1
      const link = await options.fetchLink(chapterId)
      return { videoUrl: link.videoUrl, resumeAt: position > 0 ? position : creditedAt }
    },
    /** The video is playing: its link works, so a failure hours later is an expiry worth recovering again. */
    played(): void {
      attempts = 0
    },
    /** A new chapter or session: its own link, its own attempts. */
    reset(): void {
      attempts = 0
    },
  }
}
