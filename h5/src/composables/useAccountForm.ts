import type { FieldRule } from 'vant'
import { reactive, watch } from 'vue'

/**
 * The state of an account form (注册, 忘记密码): its values, and the server's message for each field,
 * shown under the field until that field is edited again.
 */
export function useAccountForm<F extends string>(fields: readonly F[]) {
  const blank = () => Object.fromEntries(fields.map((field) => [field, ''])) as Record<F, string>
  const form = reactive(blank()) as Record<F, string>
  const serverErrors = reactive(blank()) as Record<F, string>
  for (const field of fields) watch(() => form[field], () => (serverErrors[field] = ''))
  return { form, serverErrors }
}

const onBlurSubmit: FieldRule['trigger'] = ['onBlur', 'onSubmit']

/** A vant field rule from a check that returns the Chinese message, or '' when the value is fine. */
export function fieldRule(check: (value: string) => string): FieldRule[] {
  return [{ validator: (value: string) => check(value) || true, trigger: onBlurSubmit }]
}
