import { Type, type TArray, type TProperties, type TSchema } from 'typebox'

/**
 * Builders for the shapes every route schema repeats. They produce exactly the JSON Schema the
 * longhand does (`Type.Object(…, { additionalProperties: false })` and so on), so validation,
 * serialisation and the OpenAPI document are unchanged; only the declarations get shorter.
 */

/** An object that allows only the properties it names: requests with more are refused, answers carry no more. */
export function ClosedObject<Properties extends TProperties>(properties: Properties) {
  return Type.Object(properties, { additionalProperties: false })
}

/** A value that may be absent as `null` (a column that can be empty, a step not reached yet). */
export function Nullable<Item extends TSchema>(schema: Item) {
  return Type.Union([schema, Type.Null()])
}

/** A list answer: one array under one name, e.g. `{ plans: [...] }`. */
export function ListOf<Key extends string, Item extends TSchema>(key: Key, item: Item) {
  return ClosedObject({ [key]: Type.Array(item) } as { [_ in Key]: TArray<Item> })
}

