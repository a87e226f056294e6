import { ErrorCode } from '@app/shared/error-codes'
import type { FieldProps, FieldRule } from 'vant'
import { reactive, watch } from 'vue'
import type { ApiError } from '@/api/http.ts'

/** Which field a server error code belongs under (keyed by `ErrorCode.X`, so a misspelt code does not compile). */
export type FieldByCode<F extends string> = Partial<Record<ErrorCode, F>>

/** The codes about the phone and its SMS code, in the forms that send one (注册, 忘记密码). */
export const SMS_FIELD_BY_CODE = {
  [ErrorCode.PHONE_INVALID]: 'phone',
  [ErrorCode.SMS_CODE_INVALID]: 'smsCode',
  [ErrorCode.SMS_TOO_FREQUENT]: 'smsCode',
  [ErrorCode.SMS_DAILY_LIMIT]: 'smsCode',
} as const

/**
 * The state of an account form (登录, 注册, 忘记密码, 修改密码): its values, and the server's message
 * for each field, shown under the field until that field is edited again.
 */
export function useAccountForm<F extends string>(fields: readonly F[], fieldByCode: FieldByCode<F> = {}) {
  const blank = () => Object.fromEntries(fields.map((field) => [field, ''])) as Record<F, string>
  const form = reactive(blank()) as Record<F, string>
  const serverErrors = reactive(blank()) as Record<F, string>
  for (const field of fields) watch(() => form[field], () => (serverErrors[field] = ''))

  /** Shows a server error under the field its code belongs to; false when it belongs to none. */
  function showUnderField(error: ApiError): boolean {
    const field = (fieldByCode as Partial<Record<string, F>>)[error.code]
    if (field !== undefined) serverErrors[field] = error.message
    return field !== undefined
  }

  return { form, serverErrors, showUnderField }
}

const onBlurSubmit: FieldRule['trigger'] = ['onBlur', 'onSubmit']

/** A vant field rule from a check that returns the Chinese message, or '' when the value is fine. */
export function fieldRule(check: (value: string) => string): FieldRule[] {
  return [{ validator: (value: string) => check(value) || true, trigger: onBlurSubmit }]
}

// A password being chosen: the password manager may offer one, and the rules allow at most 32.
const newPassword = { type: 'password', autocomplete: 'new-password', maxlength: 32 } as const
const passwordRuleHint = '8–32位，须含字母和数字'

/**
 * The fields the account forms share, bound with `v-bind` on a `van-field`; a form adds its own
 * placeholder where the manual words it differently (手机号 on 注册 and 忘记密码).
 */
export const accountFields = {
  account: { name: 'account', label: '身份证号/手机号', placeholder: '请输入身份证号或手机号', autocomplete: 'username', maxlength: 40, clearable: true },
  password: { name: 'password', type: 'password', label: '密码', placeholder: '请输入密码', autocomplete: 'current-password', maxlength: 64 },
  currentPassword: { name: 'currentPassword', type: 'password', autocomplete: 'current-password', maxlength: 64 },
  newPassword: { name: 'newPassword', label: '新密码', placeholder: passwordRuleHint, ...newPassword },
  confirmNewPassword: { name: 'confirm', label: '确认新密码', placeholder: '再次输入新密码', ...newPassword },
  realName: { name: 'realName', label: '真实姓名', placeholder: '与身份证一致', autocomplete: 'name', maxlength: 30 },
  idNumber: { name: 'idNumber', label: '身份证号', placeholder: '18位身份证号码', maxlength: 24 },
  phone: { name: 'phone', type: 'tel', label: '手机号', autocomplete: 'tel', maxlength: 16 },
  chosenPassword: { name: 'password', label: '密码', placeholder: passwordRuleHint, ...newPassword },
  confirmChosenPassword: { name: 'confirm', label: '确认密码', placeholder: '再次输入密码', ...newPassword },
} as const satisfies Record<string, Partial<FieldProps>>
