import fs from 'node:fs'
import path from 'node:path'

export interface PgBouncerLayout {
  dir: string
  port: number
  /** The PostgreSQL it pools. */
  postgres: { host: string; port: number; user: string }
  poolSize: number
}

/**
 * PgBouncer in transaction mode, as production would run it. Debian 12's 1.18 cannot keep
 * prepared statements in this mode: the instances run with DATABASE_PREPARED_STATEMENTS=false.
 */
export function writePgBouncerConfig(layout: PgBouncerLayout, runAs: { uid: number; gid: number } | null): string {
  const dir = path.join(layout.dir, 'pgbouncer')
  fs.mkdirSync(dir, { recursive: true })
  const userlist = path.join(dir, 'pgbouncer-users.txt')
  fs.writeFileSync(userlist, `"${layout.postgres.user}" ""\n`)
  const file = path.join(dir, 'pgbouncer.ini')
  fs.writeFileSync(
    file,
    `[databases]
* = host=${layout.postgres.host} port=${layout.postgres.port}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = ${layout.port}
unix_socket_dir =
pidfile = ${path.join(dir, 'pgbouncer.pid')}
logfile = ${path.join(dir, 'pgbouncer.log')}
auth_type = trust
auth_file = ${userlist}
pool_mode = transaction
default_pool_size = ${layout.poolSize}
max_client_conn = 2000
server_reset_query =
ignore_startup_parameters = extra_float_digits,options
`,
  )
  // Started as root, PgBouncer switches to another user (-u), who must reach and write its folder.
  if (runAs) {
    fs.chmodSync(layout.dir, 0o755)
    fs.chownSync(dir, runAs.uid, runAs.gid)
  }
  return file
}
