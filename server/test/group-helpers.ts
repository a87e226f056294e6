import { idNumberCheckChar } from '@app/shared'
import type { AppDb } from '../src/db/client.ts'
import { users } from '../src/db/schema.ts'
import type { TestApp } from './app.ts'
import { sealedUserColumns } from '../src/modules/auth/users.repository.ts'

let groupSerial = 0

/** A valid ID number no other helper hands out (区 500112, born 1970–1979). */
export function groupIdNumber(): string {
  groupSerial += 1
  const first17 = `50011219${70 + (groupSerial % 10)}0101${String(groupSerial).padStart(3, '0').slice(-3)}`
  return first17 + idNumberCheckChar(first17)
}

/**
 * Learner accounts straight in the database (a unit's staff, as staff registration creates them):
 * group purchase only needs them to exist. Their password hash is unusable on purpose.
 */
export async function insertLearners(db: AppDb, n: number, names: string[] = ['张小明', '李四', '欧阳春花']): Promise<{ id: number; idNumber: string; realName: string }[]> {
  const people = Array.from({ length: n }, (_, i) => ({ idNumber: groupIdNumber(), realName: names[i % names.length] as string }))
  const rows = people.map((p) => ({ realName: p.realName, ...sealedUserColumns({ idNumber: p.idNumber, phone: `199${p.idNumber.slice(-8)}` }), passwordHash: 'unusable' }))
  const inserted = await db.insert(users).values(rows).returning({ id: users.id })
  return inserted.map((row, i) => ({ id: row.id, ...(people[i] as { idNumber: string; realName: string }) }))
}

/** 团体购买 for the listed ID numbers by a signed-in buyer; the created order (the list must pass). */
export async function createGroupOrder(t: TestApp, token: string, projectId: number, idNumbers: string[]): Promise<{ id: number; outTradeNo: string; amountFen: number }> {
  const res = await t.app.inject({ method: 'POST', url: '/api/group-orders', headers: { authorization: `Bearer ${token}` }, payload: { projectId, text: idNumbers.join('\n') } })
  if (res.statusCode !== 201) throw new Error(`group order ${res.statusCode} ${res.body}`)
  return res.json().order
}

/** 「微信支付」 up to the cashier: the order's JSAPI parameters (the WeChat bridge's input). */
export async function preparePay(t: TestApp, token: string, orderId: number): Promise<{ payParams: Record<string, string>; order: { outTradeNo: string; amountFen: number } }> {
  const res = await t.app.inject({ method: 'POST', url: `/api/orders/${orderId}/pay`, headers: { authorization: `Bearer ${token}` } })
  if (res.statusCode !== 200) throw new Error(`pay ${res.statusCode} ${res.body}`)
  return res.json()
}

/** The payer confirms in the simulator's cashier, over real HTTP (so it can run beside other requests). */
export async function confirmInCashier(t: TestApp, payParams: Record<string, string>): Promise<string> {
  const res = await fetch(`${t.baseUrl}/wx-sim/dev/pay`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...payParams, action: 'confirm' }) })
  return ((await res.json()) as { err_msg?: string }).err_msg ?? `HTTP ${res.status}`
}
