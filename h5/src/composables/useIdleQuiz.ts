import type { AntiIdleQuestion, ChapterProgress } from '@app/shared/learning'
import { showToast } from 'vant'
import 'vant/es/toast/style'
import { computed, ref, shallowRef } from 'vue'
import { answerQuestion } from '@/api/learning.ts'
import { ErrorCode } from '@app/shared/error-codes'
import { isApiError, toApiError } from '@/api/http.ts'
import { wrongAnswerFeedback } from '@/utils/learning-progress.ts'

export interface IdleQuizOptions {
  /** A question appeared: pause the video and leave fullscreen. */
  onShow: () => void
  /** Answered correctly (or no longer pending): playback may continue. */
  onResolved: () => void
  /** Too many wrong answers in a row: the server took the chapter back to this point. */
  onWithdrawn: (chapter: ChapterProgress) => void
}


/**
 * 防挂机 (LRN-5). The server chooses when a question falls due and checks the answer; the page only
 * shows the prompt and options it was given (it never knows the answer) and sends the choice.
 */
export function useIdleQuiz(options: IdleQuizOptions) {
  /** The question waiting for an answer, or null. */
  const question = shallowRef<AntiIdleQuestion | null>(null)
  /** The option the learner picked (index), or null. */
  const selected = ref<number | null>(null)
  const submitting = ref(false)
  /** 「回答错误，请再答一题…」 after a wrong answer, until the next one. */
  const feedback = ref('')
  const visible = computed(() => question.value !== null)

  /** Shows a question (the same one again is ignored: every ack while it waits carries it). */
  function present(next: AntiIdleQuestion): void {
    if (question.value?.id === next.id) return
    const wasVisible = question.value !== null
    question.value = next
    selected.value = null
    if (!wasVisible) {
      feedback.value = ''
      options.onShow()
    }
  }

  function close(): void {
    question.value = null
    selected.value = null
    feedback.value = ''
    options.onResolved()
  }

  async function submit(): Promise<void> {
    const current = question.value
    if (!current || submitting.value) return
    if (selected.value === null) {
      showToast('请选择一个答案')
      return
    }
    submitting.value = true
    try {
      const result = await answerQuestion({ questionId: current.id, answerIndex: selected.value })
      if (result.correct) {
        showToast({ message: '回答正确，请继续学习', type: 'success' })
        close()
        return
      }
      if (!result.question) {
        close()
        return
      }
      const withdrawn = result.withdrawn !== null || result.wrongInARow === 0
      feedback.value = wrongAnswerFeedback(result.wrongInARow, withdrawn)
      if (result.withdrawn) options.onWithdrawn(result.withdrawn)
      question.value = result.question
      selected.value = null
    } catch (caught) {
      const error = toApiError(caught)
      if (isApiError(error, ErrorCode.ANSWER_TOO_FAST)) showToast('请认真阅读题目后再作答')
      else if (isApiError(error, ErrorCode.QUESTION_NOT_PENDING)) {
        // Already answered (another tab) or expired: nothing waits any more.
        showToast(error.message)
        close()
      } else showToast(error.message)
    } finally {
      submitting.value = false
    }
  }

  return { question, selected, submitting, feedback, visible, present, submit }
}
