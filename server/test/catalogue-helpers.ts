import { buildTestApp, type TestApp, type TestAppOptions } from './app.ts'

/** The project the public catalogue lists first (the demo seed's 公需科目 plan): what most tests buy. */
export async function firstProject(t: TestApp): Promise<{ id: number; priceFen: number }> {
  const catalogue = (await t.app.inject({ method: 'GET', url: '/api/catalogue' })).json()
  return catalogue.categories[0].projects[0]
}

/** A test app on the demo catalogue, with the id and price of the project it lists first. */
export async function buildTestAppWithProject(options?: TestAppOptions): Promise<{ t: TestApp; projectId: number; priceFen: number }> {
  const t = await buildTestApp(options)
  const { id: projectId, priceFen } = await firstProject(t)
  return { t, projectId, priceFen }
}
