import { Type, type Static } from 'typebox'

export const StaffSignInBodySchema = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 32 }),
    password: Type.String({ minLength: 1, maxLength: 128 }),
  },
  { additionalProperties: false },
)
export type StaffSignInBody = Static<typeof StaffSignInBodySchema>

export const StaffSchema = Type.Object(
  { id: Type.Integer(), username: Type.String(), role: Type.Union([Type.Literal('admin'), Type.Literal('operator')]) },
  { additionalProperties: false },
)

export const StaffSessionSchema = Type.Object(
  { token: Type.String(), expiresAt: Type.String({ format: 'date-time' }), staff: StaffSchema },
  { additionalProperties: false },
)
