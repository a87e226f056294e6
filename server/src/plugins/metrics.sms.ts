import type { SmsProvider } from '../integrations/sms/provider.ts'
import { smsSends } from '../core/metrics.registry.ts'

/** Runs one send, counting it by purpose and outcome (sms_sends_total). */
async function counted(purpose: string, send: () => Promise<void>): Promise<void> {
  try {
    await send()
    smsSends.inc({ purpose, outcome: 'sent' })
  } catch (error) {
    smsSends.inc({ purpose, outcome: 'failed' })
    throw error
  }
}

/** The same provider, counting each send by purpose and outcome. */
export function countingSmsProvider(provider: SmsProvider): SmsProvider {
  return {
    name: provider.name,
    sendVerificationCode: (input) => counted(input.purpose, () => provider.sendVerificationCode(input)),
    sendInitialPassword: (input) => counted('initial_password', () => provider.sendInitialPassword(input)),
  }
}
