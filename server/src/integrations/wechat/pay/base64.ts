const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/

/** Strict standard Base64. Node's decoder skips invalid characters silently, so check before decoding. */
export function isStrictBase64(value: string): boolean {
  return BASE64.test(value)
}
