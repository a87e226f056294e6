import ExcelJS from 'exceljs'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { CONSENTS, newIdentity, readSmsCode, signInNewWechatLearner, type TestIdentity } from './accounts.ts'
import { newWechatContext, skipWechatOauth, startJourney, type Journey } from './browser.ts'
import { fetchDemoProjects, PUBLIC_PROJECT_TITLE } from './demo-catalogue.ts'

// GRP-1 … GRP-4 in the WeChat UA: a unit's buyer pastes a list with mistakes into 「团体购买」, reads
// the reasons back from 「下载错误文件」, pastes the fixed list, pays N × price at the simulated
// cashier, and sees the learners under 「团购订单」; one of those learners signs in with their own
// password and finds the plan in 「课程培训」.

const origin = inject('baseUrl').replace('127.0.0.1', 'localhost')
const PASSWORD = 'Study2025ok'

/** The unit's buyer (经办人), signed in with a bound WeChat. */
let buyer: Journey
let buyerToken: string

/** Registers a learner through the API from a context of its own (the buyer's session is untouched). */
async function registerLearner(identity: TestIdentity): Promise<void> {
  const { context } = await newWechatContext(buyer.browser)
  try {
    const sms = await context.request.post(`${origin}/api/auth/sms-codes`, { data: { phone: identity.phone, purpose: 'register' } })
    expect(sms.status()).toBe(200)
    const smsCode = await readSmsCode(context.request, origin, identity.phone, 'register')
    const registered = await context.request.post(`${origin}/api/auth/register`, {
      data: { realName: identity.realName, idNumber: identity.idNumber, phone: identity.phone, smsCode, password: PASSWORD, ...CONSENTS },
    })
    expect(registered.status()).toBe(201)
  } finally {
    await context.close()
  }
}

/** A listed learner signs in with their ID number and password in a WeChat context of their own. */
async function signInWithPassword(idNumber: string) {
  const { context: learner } = await newWechatContext(buyer.browser)
  await skipWechatOauth(learner)
  const own = await learner.newPage()
  await own.goto(`${origin}/login`)
  await own.locator('input[name="account"]').fill(idNumber)
  await own.locator('input[name="password"]').fill(PASSWORD)
  await own.getByRole('button', { name: '登录' }).click()
  await own.waitForURL((url) => !url.pathname.startsWith('/login'))
  return { learner, own }
}

async function errorFileRows(page: Page): Promise<string[][]> {
  const href = await page.getByRole('link', { name: '下载错误文件' }).getAttribute('href')
  expect(href).toBeTruthy()
  // The link is signed and short-lived, so it works without the session, as WeChat opens it.
  const response = await fetch(new URL(href ?? '', origin))
  expect(response.status).toBe(200)
  expect(response.headers.get('content-type')).toContain('spreadsheetml')
  const workbook = new ExcelJS.Workbook()
  await workbook.xlsx.load(await response.arrayBuffer())
  const rows: string[][] = []
  workbook.worksheets[0]?.eachRow((row) => {
    rows.push((row.values as unknown[]).slice(1).map((cell) => String(cell ?? '')))
  })
  return rows
}

beforeAll(async () => {
  buyer = await startJourney()
  buyerToken = (await signInNewWechatLearner(buyer.context, origin, '团购经办', PASSWORD)).accessToken
})

afterAll(() => buyer?.close())

describe('团体购买 → 下载错误文件 → 微信支付 → 团购订单', () => {
  it('buys the plan for a unit’s staff and they can study at once', async () => {
    const staffA = newIdentity('钱学员', { endsWithX: true })
    const staffB = newIdentity('孙学员')
    await registerLearner(staffA)
    await registerLearner(staffB)
    const unregistered = newIdentity('未注册')
    const project = (await fetchDemoProjects(origin)).publicProject

    const page = await buyer.context.newPage()
    await page.goto(`${origin}/projects/${project.id}/purchase`)
    await page.getByText('团体购买', { exact: true }).click()
    await page.waitForURL(/\/projects\/\d+\/group$/)

    // As copied from a spreadsheet: a lower-case x with spaces around it, a wrong check digit, a
    // repeated line and a person without an account.
    const wrongCheck = staffB.idNumber.slice(0, 17) + (staffB.idNumber.endsWith('0') ? '1' : '0')
    const pasted = [` ${staffA.idNumber.toLowerCase()}\t`, staffB.idNumber, wrongCheck, staffB.idNumber, unregistered.idNumber].join('\n')
    await page.getByLabel('输入需参训学员的身份证号码').fill(pasted)
    await page.getByText('已输入 5 行').waitFor()
    await page.getByRole('button', { name: '立即购买' }).click()

    await page.getByText('购买失败：有 3 行未通过验证，未提交订单').waitFor()
    expect(await page.locator('body').innerText()).toContain('共 5 行，通过 2 行，未通过 3 行。')
    const rows = await errorFileRows(page)
    const byLine = new Map(rows.map((row) => [row[0], row]))
    expect(byLine.get('3')?.[1]).toBe(wrongCheck)
    expect(byLine.get('4')?.[2]).toMatch(/重复/)
    expect(byLine.get('5')?.[2]).toMatch(/未注册|账号/)
    expect(byLine.has('1')).toBe(false)

    // Nothing was created: the buyer fixes the list and pastes it again.
    await page.getByLabel('输入需参训学员的身份证号码').fill([` ${staffA.idNumber.toLowerCase()}\t`, staffB.idNumber].join('\n'))
    await page.getByText('已输入 2 行').waitFor()
    await page.getByRole('button', { name: '立即购买' }).click()
    await page.getByText('订单已提交，请核对学员后支付').waitFor()
    const confirmation = await page.locator('body').innerText()
    expect(confirmation).toContain('2 人')
    expect(confirmation).toContain(`¥${((project.priceFen * 2) / 100).toFixed(2)}`)
    expect(confirmation).toContain('钱*')
    expect(confirmation).not.toContain(staffA.idNumber)

    await page.getByRole('button', { name: '微信支付' }).click()
    const cashier = page.getByRole('dialog', { name: '模拟支付（开发环境）' })
    await cashier.waitFor()
    await cashier.getByRole('button', { name: '确认支付' }).click()
    await page.getByText('支付成功', { exact: true }).waitFor({ timeout: 30_000 })

    // 团购订单: the order with its learners and their 计划完成度.
    await page.goto(`${origin}/group-orders`)
    await page.getByText(PUBLIC_PROJECT_TITLE).first().click()
    await page.waitForURL(/\/group-orders\/\d+$/)
    // The buyer's own list: names as registered, ID numbers masked.
    await page.getByText(staffB.realName).first().waitFor()
    const detail = await page.locator('body').innerText()
    expect(detail).toContain(staffA.realName)
    expect(detail).toContain('计划完成度')
    expect(detail).not.toContain(staffB.idNumber)
    await page.close()

    // One of the listed learners signs in and finds the plan.
    const { learner, own } = await signInWithPassword(staffB.idNumber)
    await own.goto(`${origin}/training`)
    await own.getByText(PUBLIC_PROJECT_TITLE).first().waitFor({ timeout: 15_000 })
    await learner.close()
  })
})

describe('an unpaid 团体购买 order reserves nothing and shows nothing (squatting)', () => {
  it('the listed learner is told on 项目购买 and can still buy for themself; the buyer sees masked names and no export', async () => {
    const listed = newIdentity('周学员')
    await registerLearner(listed)
    const project = (await fetchDemoProjects(origin)).publicProject
    const created = await buyer.context.request.post(`${origin}/api/group-orders`, {
      headers: { authorization: `Bearer ${buyerToken}` },
      data: { projectId: project.id, text: listed.idNumber },
    })
    expect(created.status()).toBe(201)
    const orderId = ((await created.json()) as { order: { id: number } }).order.id

    // The buyer, before paying: masked names, no 计划完成度, no 导出名单.
    const page = await buyer.context.newPage()
    await page.goto(`${origin}/group-orders/${orderId}`)
    await page.getByText('订单支付后显示学员完整姓名和计划完成度，并可导出名单。').waitFor()
    const detail = await page.locator('body').innerText()
    expect(detail).toContain('周*')
    expect(detail).not.toContain(listed.realName)
    expect(detail).not.toContain('计划完成度 ')
    expect(await page.getByRole('link', { name: '导出名单' }).count()).toBe(0)
    await page.close()

    // The learner, on 项目购买: told a unit order including them is pending (no buyer named), and
    // 「个人购买」 is offered, not 「去支付」.
    const { learner, own } = await signInWithPassword(listed.idNumber)
    await own.goto(`${origin}/projects/${project.id}/purchase`)
    await own.getByText('有单位提交了包含您的团体购买订单，尚未付款。', { exact: false }).waitFor()
    const purchase = await own.locator('body').innerText()
    expect(purchase).not.toContain('团购经办')
    expect(purchase).not.toContain('已有待支付的订单')
    await own.getByText('个人购买', { exact: true }).click()
    await own.waitForURL(/\/projects\/\d+\/order$/)
    await learner.close()
  })
})
