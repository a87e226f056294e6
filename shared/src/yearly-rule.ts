// Plain TypeScript, no TypeBox: the H5 imports this at runtime (`@app/shared/yearly-rule`).

/** The yearly rule of the manual's 温馨提示 (CAT-3), in 学时. */
export const YEARLY_HOURS_RULE = { total: 90, publicSubjects: 30, professionalSubjects: 60 } as const
