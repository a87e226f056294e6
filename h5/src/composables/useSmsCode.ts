import type { SmsPurposeValue } from '@app/shared/auth'
import { ErrorCode } from '@app/shared/error-codes'
import { computed, onBeforeUnmount, ref, type ComputedRef, type Ref } from 'vue'
import { sendSmsCode } from '@/api/auth.ts'
import { isApiError, toApiError } from '@/api/http.ts'

export interface SmsCode {
  /** Seconds until 「获取验证码」 may be tapped again; 0 when it may. */
  countdown: Ref<number>
  sending: Ref<boolean>
  /** The button's text: 「获取验证码」 or the countdown. */
  label: ComputedRef<string>
  /** Sends a code to the (normalised) phone; rejects with ApiError, starting the countdown on 429. */
  send: (phone: string) => Promise<void>
}

/** 「获取验证码」 with the server's resend interval as the countdown (60 s), for 注册 and 忘记密码. */
export function useSmsCode(purpose: SmsPurposeValue): SmsCode {
  const countdown = ref(0)
  const sending = ref(false)
  let timer: ReturnType<typeof setInterval> | undefined

  function stop(): void {
    if (timer !== undefined) clearInterval(timer)
    timer = undefined
  }

  function start(seconds: number): void {
    stop()
    countdown.value = Math.max(0, Math.ceil(seconds))
    if (countdown.value === 0) return
    timer = setInterval(() => {
      countdown.value -= 1
      if (countdown.value <= 0) stop()
    }, 1000)
  }

  async function send(phone: string): Promise<void> {
    sending.value = true
    try {
      const result = await sendSmsCode({ phone, purpose })
      start(result.resendAfterSeconds)
    } catch (error) {
      const apiError = toApiError(error)
      // SMS_TOO_FREQUENT: the server says how long is left; show it on the button too.
      if (isApiError(apiError, ErrorCode.SMS_TOO_FREQUENT) && apiError.retryAfterSeconds) start(apiError.retryAfterSeconds)
      throw apiError
    } finally {
      sending.value = false
    }
  }

  onBeforeUnmount(stop)

  const label = computed(() => (countdown.value > 0 ? `${countdown.value}秒后重新获取` : '获取验证码'))
  return { countdown, sending, label, send }
}
