/**
 * pnpm cluster — the local cluster: N server instances (default 3) on one PostgreSQL behind nginx
 * (round robin), optionally through PgBouncer in transaction mode. Runs until Ctrl-C (or SIGTERM),
 * then stops every process it started and drops its database.
 *
 *   npx -y pnpm@10.34.8 cluster [--instances 3] [--pgbouncer] [--postgres postgres://…/test] [--keep-database]
 *
 * Needs Debian's nginx (and pgbouncer for --pgbouncer): apt-get install -y nginx pgbouncer.
 */
import { parseArgs } from 'node:util'
import { startCluster } from './cluster.ts'
import { ClusterSetupError } from './tools.ts'

const { values } = parseArgs({
  options: {
    instances: { type: 'string', default: '3' },
    pgbouncer: { type: 'boolean', default: false },
    postgres: { type: 'string', default: process.env.CLUSTER_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test' },
    'keep-database': { type: 'boolean', default: false },
  },
})
const instances = Number(values.instances)
if (!Number.isInteger(instances) || instances < 1 || instances > 16) {
  console.error('--instances must be an integer between 1 and 16')
  process.exit(1)
}

try {
  const cluster = await startCluster({ instances, pgbouncer: values.pgbouncer, postgresUrl: values.postgres, keepDatabase: values['keep-database'] })
  console.log(`cluster up: open ${cluster.url}/`)
  console.log(`  database   ${cluster.databaseName}${values.pgbouncer ? ` through PgBouncer (transaction mode) at ${new URL(cluster.instanceDatabaseUrl).host}` : ''}`)
  for (const i of cluster.instances) {
    console.log(`  instance ${i.index + 1} http://127.0.0.1:${i.port} (metrics http://127.0.0.1:${i.metricsPort}/metrics, log ${i.logFile})`)
  }
  console.log(`  simulator  ${cluster.simulatorUrl}/wx-sim (also at ${cluster.url}/wx-sim)`)
  console.log(`  files      ${cluster.dir}`)
  console.log('Ctrl-C stops everything.')
  let stopping = false
  const stop = async () => {
    if (stopping) return
    stopping = true
    console.log('stopping the cluster…')
    await cluster.stop()
    console.log('stopped')
    process.exit(0)
  }
  process.on('SIGINT', () => void stop())
  process.on('SIGTERM', () => void stop())
} catch (error) {
  if (error instanceof ClusterSetupError) {
    console.error(`Cluster error: ${error.message}`)
    process.exit(1)
  }
  throw error
}
