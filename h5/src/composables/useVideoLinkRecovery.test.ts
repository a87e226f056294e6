import { describe, expect, it } from 'vitest'
import type { ChapterVideoLink } from '@app/shared/learning'
import { useVideoLinkRecovery } from './useVideoLinkRecovery.ts'

function fakeServer() {
  const asked: number[] = []
  let n = 0
  return {
    asked,
    fetchLink: async (chapterId: number): Promise<ChapterVideoLink> => {
      asked.push(chapterId)
      n += 1
      return { videoUrl: `/media/videos/a.mp4?chapter=${chapterId}&expires=${1000 + n}&sig=s${n}`, expiresAt: null }
    },
  }
}

describe('a video link that expired mid-study', () => {
  it('gets a fresh link from the server and resumes at the same position', async () => {
    const server = fakeServer()
    const recovery = useVideoLinkRecovery({ fetchLink: server.fetchLink })
    const recovered = await recovery.recover(7, 754.2, 700)
    expect(server.asked).toEqual([7])
    expect(recovered).toEqual({ videoUrl: '/media/videos/a.mp4?chapter=7&expires=1001&sig=s1', resumeAt: 754.2 })
  })

  it('resumes at the credited point when the player lost its position', async () => {
    const recovery = useVideoLinkRecovery({ fetchLink: fakeServer().fetchLink })
    expect((await recovery.recover(7, 0, 700))?.resumeAt).toBe(700)
  })

  it('stops asking when fresh links fail before anything plays, and recovers again once one has played', async () => {
    const server = fakeServer()
    const recovery = useVideoLinkRecovery({ fetchLink: server.fetchLink })
    expect(await recovery.recover(7, 10, 0)).not.toBeNull()
    expect(await recovery.recover(7, 10, 0)).not.toBeNull()
    expect(await recovery.recover(7, 10, 0)).toBeNull()
    expect(server.asked).toHaveLength(2)
    // Hours of playback later the next link expires too: that one is recovered.
    recovery.played()
    expect(await recovery.recover(7, 4 * 3600, 0)).not.toBeNull()
  })

  it('passes the server\'s refusal on to the page (not enrolled any more, offline)', async () => {
    const refusal = Object.assign(new Error('您尚未购买该培训项目'), { code: 'NOT_ENROLLED' })
    const recovery = useVideoLinkRecovery({ fetchLink: () => Promise.reject(refusal) })
    await expect(recovery.recover(7, 10, 0)).rejects.toBe(refusal)
  })
})
