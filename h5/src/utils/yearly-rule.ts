/**
 * The manual's yearly rule (温馨提示), in 学时. Mirrors YEARLY_HOURS_RULE in @app/shared/catalogue,
 * copied because a runtime import from @app/shared brings TypeBox into the bundle;
 * yearly-rule.test.ts fails if the two ever differ. The catalogue API also sends it as yearlyRule.
 */
export const YEARLY_HOURS_RULE = { total: 90, publicSubjects: 30, professionalSubjects: 60 } as const
