/**
 * bench:certificate — certificate rendering and cached delivery, in one process on an in-memory
 * database. After a warm-up it renders one certificate (PDF and PNG) N times, then fetches its
 * cached PDF through the HTTP API N times, and prints the p50/p90 of each.
 * Targets on the 2-core reference machine: render p50 ≤ 300 ms, cached p50 ≤ 20 ms.
 *
 *   pnpm bench:certificate [-- --n 50]
 */
import path from 'node:path'
import { parseArgs } from 'node:util'
import { and, asc, eq } from 'drizzle-orm'
import { courseCompletions, courses, createDatabase, enrollments, findOwnCertificate, importCatalogue, projects, renderCertificate, SAMPLE_CERTIFICATE_SETTINGS, seedSampleOrganisations } from '@app/server/commands'
import { bearer, enrol, registerLearner } from '@app/server/testing'
import { buildInProcessApp } from './in-process-app.ts'
import { percentileOf } from './load.ts'
import { REPO_ROOT } from './processes.ts'

const { values } = parseArgs({ options: { n: { type: 'string', default: '30' } } })
const N = Math.max(5, Number(values.n))

const fmt = (ms: number) => ms.toFixed(1)

async function main() {
  const database = await createDatabase({ memory: true })
  await database.migrate()
  await importCatalogue(database.db, path.join(REPO_ROOT, 'server/seed/demo/manifest.json'))
  await seedSampleOrganisations(database.db)
  const app = await buildInProcessApp(database, { certificate: SAMPLE_CERTIFICATE_SETTINGS })
  try {
    // A learner who completed the public-subjects plan and holds a certificate.
    const { accessToken, userId, realName, idNumber } = await registerLearner(app, { realName: '欧阳娜娜' })
    const [project] = await database.db.select().from(projects).orderBy(asc(projects.id)).limit(1)
    if (!project) throw new Error('no project seeded')
    await enrol(database.db, userId, project.id)
    let hours = 0
    for (const c of await database.db.select().from(courses).where(eq(courses.projectId, project.id)).orderBy(asc(courses.sort))) {
      if (hours >= project.requiredHours) break
      await database.db.insert(courseCompletions).values({ userId, courseId: c.id, projectId: project.id, hours: c.hours, completedAt: new Date() })
      hours += c.hours
    }
    await database.db.update(enrollments).set({ completedAt: new Date() }).where(and(eq(enrollments.userId, userId), eq(enrollments.projectId, project.id)))
    const headers = bearer(accessToken)
    const issued = await app.inject({ method: 'POST', url: '/api/certificates', headers, payload: { projectId: project.id, confirmName: realName, confirmIdNumber: idNumber, organisation: { districtCode: '500103' } } })
    if (issued.statusCode !== 201) throw new Error(`issue failed: ${issued.statusCode} ${issued.body}`)
    const certificate = issued.json() as { id: number; pdfUrl: string }
    const row = await findOwnCertificate(database.db, userId, certificate.id)
    if (!row) throw new Error('certificate not found')

    const deps = { seal: { text: SAMPLE_CERTIFICATE_SETTINGS.sealText, sample: true }, publicBaseUrl: 'http://localhost:3000' }
    const t0 = performance.now()
    await renderCertificate(deps, row, 'pdf')
    await renderCertificate(deps, row, 'png')
    console.log(`first render (font load and parse included): ${fmt(performance.now() - t0)} ms`)
    for (let i = 0; i < 5; i++) {
      await renderCertificate(deps, row, 'pdf')
      await renderCertificate(deps, row, 'png')
    }
    const pdf: number[] = []
    const png: number[] = []
    const both: number[] = []
    for (let i = 0; i < N; i++) {
      // A different name each time, so the font subset is built anew as for a new learner.
      const fresh = { ...row, realName: i % 2 ? '司马相如' : `张${'伟芳娜敏静丽强磊军洋'[i % 10]}` }
      const a = performance.now()
      await renderCertificate(deps, fresh, 'pdf')
      const b = performance.now()
      await renderCertificate(deps, fresh, 'png')
      const c = performance.now()
      pdf.push(b - a)
      png.push(c - b)
      both.push(c - a)
    }
    console.log(`render p50 ${fmt(percentileOf(both, 50))} ms (p90 ${fmt(percentileOf(both, 90))}; pdf p50 ${fmt(percentileOf(pdf, 50))}, png p50 ${fmt(percentileOf(png, 50))}) over ${N} renders [target ≤ 300 ms]`)

    const address = await app.listen({ host: '127.0.0.1', port: 0 })
    const url = `${address}${certificate.pdfUrl}`
    const fetchPdf = async () => {
      const res = await fetch(url, { headers })
      if (res.status !== 200) throw new Error(`GET pdf ${res.status}`)
      await res.arrayBuffer()
    }
    for (let i = 0; i < 20; i++) await fetchPdf() // the first renders and stores; the rest warm up
    const cached: number[] = []
    for (let i = 0; i < N * 4; i++) {
      const a = performance.now()
      await fetchPdf()
      cached.push(performance.now() - a)
    }
    console.log(`cached p50 ${fmt(percentileOf(cached, 50))} ms (p90 ${fmt(percentileOf(cached, 90))}) over ${N * 4} HTTP requests [target ≤ 20 ms]`)
  } finally {
    await app.close()
    await database.close()
  }
}

await main()
