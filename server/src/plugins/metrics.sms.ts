import type { SmsProvider } from '../integrations/sms/provider.ts'
import { smsSends } from './metrics.registry.ts'

/** The same provider, counting each send by purpose and outcome (sms_sends_total). */
export function countingSmsProvider(provider: SmsProvider): SmsProvider {
  return {
    name: provider.name,
    async sendVerificationCode(input) {
      try {
        await provider.sendVerificationCode(input)
        smsSends.inc({ purpose: input.purpose, outcome: 'sent' })
      } catch (error) {
        smsSends.inc({ purpose: input.purpose, outcome: 'failed' })
        throw error
      }
    },
  }
}
