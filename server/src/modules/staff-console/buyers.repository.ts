import { maskIdNumber, maskName, maskPhone } from '@app/shared'
import type { AppDb } from '../../db/client.ts'
import { usersByIds } from '../auth/auth.read-model.ts'
import { projectSummaries } from '../catalogue/catalogue.read-model.ts'
import { unitNames } from './learners.repository.ts'

/**
 * Who bought an order and for which project, as the money pages list them: the buyer masked (name,
 * ID number, phone) with their 单位, read through auth's, catalogue's and the learners pages' read
 * models, one query each for a whole page.
 */

export interface MaskedBuyer {
  id: number
  realNameMasked: string
  idNumberMasked: string
  phoneMasked: string
  unitName: string | null
}

export async function buyersAndProjects(db: AppDb, rows: { buyerUserId: number; projectId: number }[]) {
  const buyerIds = rows.map((r) => r.buyerUserId)
  const [users, units, projects] = await Promise.all([usersByIds(db, buyerIds), unitNames(db, buyerIds), projectSummaries(db, rows.map((r) => r.projectId))])
  const buyer = (id: number): MaskedBuyer => {
    const user = users.get(id)
    return {
      id,
      realNameMasked: user ? maskName(user.realName) : '',
      idNumberMasked: user ? maskIdNumber(user.idNumber) : '',
      phoneMasked: user ? maskPhone(user.phone) : '',
      unitName: units.get(id) ?? null,
    }
  }
  const project = (id: number) => projects.get(id) ?? { title: '', year: 0, requiredHours: 0 }
  return { buyer, project }
}
