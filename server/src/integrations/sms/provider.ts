/**
 * The app-facing SMS seam. Callers only ever send verification codes, so the interface says exactly
 * that; which vendor delivers them is a configuration detail behind `SmsProvider`.
 */

export type SmsPurpose = 'register' | 'reset_password' | 'bind_phone'

export interface SmsProvider {
  readonly name: string
  /** Sends a verification code; throws SmsSendError on any failure (never logs the phone or code). */
  sendVerificationCode(input: { phone: string; code: string; purpose: SmsPurpose; ttlMinutes: number }): Promise<void>
  /**
   * Tells a learner whom staff registered (ACC-5) the one-time initial password, which must be
   * changed at first sign-in. Throws SmsSendError like sendVerificationCode.
   */
  sendInitialPassword(input: { phone: string; password: string }): Promise<void>
}

/**
 * Why a send failed. The message is safe to log or return: it never contains the phone number, the
 * code or credentials. `providerCode` is the vendor's machine-readable code (e.g.
 * `LimitExceeded.PhoneNumberDailyLimit`); `retryable` means trying again later may succeed.
 */
export class SmsSendError extends Error {
  constructor(
    message: string,
    readonly providerCode?: string,
    readonly retryable = false,
  ) {
    super(message)
    this.name = 'SmsSendError'
  }
}
