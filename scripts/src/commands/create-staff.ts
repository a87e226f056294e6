/**
 * Creates a staff account (OPS-5), or sets a new password for one (`--reset-password`, which ends
 * its console sessions; with `--reset-totp` the next sign-in sets up the authenticator again). The
 * password is read from stdin when piped, else a random one is generated and printed once; it never
 * appears on the command line (shell history, `ps`). The first admin is made here; admins then
 * create the other accounts in the console (管理后台 → 工作人员).
 *
 *   pnpm --filter @app/scripts create-staff --username zhang.laoshi [--role operator|finance|admin]
 *   printf '%s' "$PASSWORD" | pnpm --filter @app/scripts create-staff --username zhang.laoshi
 */
import { parseArgs } from 'node:util'
import { generateStaffPassword, saveStaffUser, STAFF_USERNAME, staffPasswordProblem } from '@app/server/commands'
import { openDatabase, runCli, UsageError } from './cli.ts'

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '')
}

await runCli(async () => {
  const { values } = parseArgs({
    options: {
      username: { type: 'string' },
      role: { type: 'string' },
      'reset-password': { type: 'boolean', default: false },
      'reset-totp': { type: 'boolean', default: false },
    },
  })
  const username = values.username?.trim().toLowerCase()
  if (!username || !STAFF_USERNAME.test(username)) {
    throw new UsageError('usage: create-staff --username <3–32 of a-z 0-9 . _ -, starting with a letter> [--role operator|finance|admin] [--reset-password [--reset-totp]]')
  }
  const role = values.role
  if (role !== undefined && role !== 'operator' && role !== 'finance' && role !== 'admin') throw new UsageError('--role is operator, finance or admin')
  if (values['reset-totp'] && !values['reset-password']) throw new UsageError('--reset-totp goes with --reset-password')
  const given = process.stdin.isTTY ? '' : await readStdin()
  const generated = given === ''
  const password = generated ? generateStaffPassword() : given
  const problem = staffPasswordProblem(password)
  if (problem) throw new UsageError(problem)
  const database = await openDatabase()
  try {
    const { staff, created } = await saveStaffUser(database.db, { username, password, role, resetExisting: values['reset-password'], resetTotp: values['reset-totp'] })
    console.log(`${created ? 'created' : 'password reset for'} staff user ${staff.username} (id ${staff.id}, role ${staff.role})`)
    if (generated) console.log(`password (shown once): ${password}`)
  } finally {
    await database.close()
  }
})
