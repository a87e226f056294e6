import { ref } from 'vue'

/**
 * A form's request that runs once at a time: `submitting` is true while it runs (the button shows
 * it busy), and a second tap meanwhile does nothing, so no order or account is created twice.
 */
export function useSubmitting() {
  const submitting = ref(false)

  async function submitOnce(action: () => Promise<void>): Promise<void> {
    if (submitting.value) return
    submitting.value = true
    try {
      await action()
    } finally {
      submitting.value = false
    }
  }

  return { submitting, submitOnce }
}
