import type { AppDb } from '../../db/client.ts'
import { organisations } from '../../db/schema/certificates.ts'

/**
 * Demo units for development, each named as a sample so nothing rendered from them can pass for a
 * real unit (docs/architecture.md, 「Sample artefacts」). Operators load real units separately.
 */
const SAMPLE_UNITS = [
  { name: '示例单位：重庆市某某设计研究院（样例）', districtCode: '500103' },
  { name: '示例单位：重庆市某某人民医院（样例）', districtCode: '500105' },
  { name: '示例单位：重庆市某某中学（样例）', districtCode: '500106' },
  { name: '示例单位：重庆某某建设工程有限公司（样例）', districtCode: '500112' },
  { name: '示例单位：某某区农业技术推广中心（样例）', districtCode: '500116' },
  { name: '示例单位：某某县林业科学研究所（样例）', districtCode: '500236' },
]

/** Idempotent: a unit already present (by name) is left as it is. */
export async function seedSampleOrganisations(db: AppDb): Promise<void> {
  await db
    .insert(organisations)
    .values(SAMPLE_UNITS.map((u) => ({ ...u, isSample: true })))
    .onConflictDoNothing({ target: organisations.name })
}
