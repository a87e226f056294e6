import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateRsaKeys } from '@app/server/testing'
import { idNumberCheckChar } from '@app/shared'

// Operator commands against the default embedded database (.data/pglite) of a running server:
// the database admits one process at a time, so each command that opens it refuses with one line
// while the server runs, and does its work once the server is stopped; nothing it reports is lost.

const scriptsDir = path.resolve(import.meta.dirname, '../..')
const serverDir = path.resolve(scriptsDir, '../server')
const manifest = path.resolve(serverDir, 'seed/demo/manifest.json')
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'operator-commands-'))
const dataDir = path.join(dir, 'data')
let port: number
let server: ChildProcess | null = null

const first17 = '50010319900101001'
const goodId = first17 + idNumberCheckChar(first17)
const sheet = path.join(dir, '名单.csv')

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address()
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
}

function baseEnv(): NodeJS.ProcessEnv {
  // The default database: no DATABASE_URL (an empty value is unset), the data folder of this test.
  return { ...process.env, DATA_DIR: dataDir, PORT: String(port), DATABASE_URL: '', LOG_LEVEL: 'warn', INIT_CWD: dir }
}

// refund-order needs live WeChat Pay settings (with the simulator it refuses before any database).
function liveWechatEnv(): NodeJS.ProcessEnv {
  const merchant = generateRsaKeys()
  const wechatpay = generateRsaKeys()
  fs.writeFileSync(path.join(dir, 'apiclient_key.pem'), merchant.privateKeyPem)
  fs.writeFileSync(path.join(dir, 'pub_key.pem'), wechatpay.publicKeyPem)
  return {
    WECHAT_APP_ID: 'wx1234567890abcdef',
    WECHAT_APP_SECRET: 'not-used-here',
    WECHAT_API_BASE: 'http://127.0.0.1:9/api',
    WECHATPAY_API_BASE: 'http://127.0.0.1:9/mch',
    WECHATPAY_MCH_ID: '1900000109',
    WECHATPAY_MCH_SERIAL: '3775B6A45ACD588826D15E583A95F5DD6A8C3D2B',
    WECHATPAY_MCH_PRIVATE_KEY_FILE: path.join(dir, 'apiclient_key.pem'),
    WECHATPAY_API_V3_KEY: '0123456789abcdef0123456789abcdef',
    WECHATPAY_PUBLIC_KEY_ID: 'PUB_KEY_ID_0114232134912410000000000000000001',
    WECHATPAY_PUBLIC_KEY_FILE: path.join(dir, 'pub_key.pem'),
  }
}

interface Run {
  code: number | null
  stdout: string
  stderr: string
}

function runCommand(name: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', `src/commands/${name}.ts`, ...args], { cwd: scriptsDir, env: { ...baseEnv(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    child.once('close', (code) => resolve({ code, stdout, stderr }))
  })
}

async function startServer(): Promise<{ child: ChildProcess; exit: Promise<Run> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/app/server.ts'], { cwd: serverDir, env: baseEnv(), stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  let stdout = ''
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
  const exit = new Promise<Run>((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })))
  return { child, exit }
}

async function waitUntilReady(exit: Promise<Run>): Promise<void> {
  let ended: Run | null = null
  void exit.then((run) => (ended = run))
  for (;;) {
    if (ended) throw new Error(`server exited: ${(ended as Run).stderr}`)
    const ok = await fetch(`http://127.0.0.1:${port}/api/health/ready`).then((r) => r.ok, () => false)
    if (ok) return
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
}

let serverExit: Promise<Run>
let staffPassword = ''

beforeAll(async () => {
  port = await freePort()
  fs.writeFileSync(sheet, ['姓名,身份证号,手机号,单位', `张批量,${goodId},13700000101,某设计院`, '李无效,12345,13700000102,某设计院'].join('\r\n'))
  const started = await startServer()
  server = started.child
  serverExit = started.exit
  await waitUntilReady(serverExit)
}, 600_000)

afterAll(async () => {
  if (server) {
    server.kill('SIGKILL')
    await serverExit
  }
  fs.rmSync(dir, { recursive: true, force: true })
}, 120_000)

const refusal = () => `error: the server is running on this data folder (${path.join(dataDir, 'pglite')}, pid ${server?.pid}): stop it, or set DATABASE_URL`

describe('operator commands on the embedded database', () => {
  it('refuse with one line and exit 1 while the server runs; golive-check, which does not open it, works', { timeout: 900_000 }, async () => {
    const out = path.join(dir, 'refused')
    const runs = await Promise.all([
      runCommand('create-staff', ['--username', 'ops.lock']),
      runCommand('bulk-register', [sheet, '--staff', '张老师', '--out', `${out}-结果.xlsx`]),
      runCommand('completion-report', ['--year', '2025', '--out', `${out}-report.xlsx`]),
      runCommand('import-content', [manifest]),
      runCommand('confirm-transfer', ['--reference', 'TT00000000', '--amount', '1.00', '--bank-serial', 'B1', '--staff', 'ops.lock']),
      runCommand('refund-order', ['JX00000000', '--reason', '学员申请', '--staff', '张老师'], liveWechatEnv()),
    ])
    for (const run of runs) {
      expect(run.stderr.trim()).toBe(refusal())
      expect(run.stdout).toBe('')
      expect(run.code).toBe(1)
    }
    expect(fs.existsSync(`${out}-结果.xlsx`)).toBe(false)

    const golive = await runCommand('golive-check', [])
    expect(golive.stderr).not.toContain('data folder')
    expect(golive.stdout).toContain('PASS')
  })

  it('Ctrl-C stops the server gracefully with exit 0 and frees the folder', { timeout: 120_000 }, async () => {
    server?.kill('SIGINT')
    // The same Ctrl-C again, as the terminal and each pnpm in between deliver it.
    setTimeout(() => server?.kill('SIGINT'), 100)
    const ended = await serverExit
    expect(ended.code).toBe(0)
    expect(ended.stderr).not.toMatch(/second SIGINT|ELIFECYCLE|ERR_PNPM/)
    expect(fs.existsSync(path.join(dataDir, 'pglite.lock'))).toBe(false)
    server = null
  })

  it('the server refuses to start while a command holds the folder', { timeout: 600_000 }, async () => {
    // A command that stays open: it opens the database exactly as every command does, then waits.
    const holderScript = path.join(dir, 'hold-data-folder.ts')
    fs.writeFileSync(path.join(dir, 'package.json'), '{"type":"module"}')
    fs.writeFileSync(holderScript, `import { openDatabase } from ${JSON.stringify(path.join(scriptsDir, 'src/commands/cli.ts'))}\nconst database = await openDatabase()\nconsole.log('open')\nprocess.stdin.resume().on('end', () => void database.close())\n`)
    const holder = spawn(process.execPath, ['--import', 'tsx', holderScript], { cwd: scriptsDir, env: baseEnv(), stdio: ['pipe', 'pipe', 'inherit'] })
    await new Promise<void>((resolve, reject) => {
      holder.stdout?.setEncoding('utf8').on('data', (chunk: string) => chunk.includes('open') && resolve())
      holder.once('exit', (code) => reject(new Error(`holder exited ${code}`)))
    })
    const started = await startServer()
    const refused = await started.exit
    expect(refused.code).toBe(1)
    expect(refused.stderr.trim()).toBe(`Cannot start: the command hold-data-folder is using this data folder (${path.join(dataDir, 'pglite')}, pid ${holder.pid}): wait for it to finish, or set DATABASE_URL`)
    holder.stdin?.end()
    await new Promise((resolve) => holder.once('exit', resolve))
  })

  it('with the server stopped, the commands do their work, and the server then sees all of it', { timeout: 1_200_000 }, async () => {
    const staff = await runCommand('create-staff', ['--username', 'ops.lock'])
    expect(staff.stdout).toContain('created staff user ops.lock')
    expect(staff.code).toBe(0)
    staffPassword = /password \(shown once\): (\S+)/.exec(staff.stdout)?.[1] ?? ''

    // One good row and one bad: a finished run, exit 0, and the summary says what needs attention.
    const bulk = await runCommand('bulk-register', [sheet, '--staff', '张老师'])
    expect(bulk.stdout).toContain('done: 2 rows — 1 created, 0 already registered, 1 not registered')
    expect(bulk.stdout).toContain('1 row was not registered')
    expect(bulk.stderr).toBe('')
    expect(bulk.code).toBe(0)
    expect(fs.existsSync(path.join(dir, '名单-结果.xlsx'))).toBe(true)

    const report = await runCommand('completion-report', ['--year', '2025', '--out', path.join(dir, 'report.xlsx')])
    expect(report.code).toBe(0)
    const imported = await runCommand('import-content', [manifest])
    expect(imported.stdout).toContain('imported')
    expect(imported.code).toBe(0)
    // Past the lock to the transfer itself, which does not exist here (refund-order opens the
    // database the same way, through openDatabase).
    const transfer = await runCommand('confirm-transfer', ['--reference', 'TT00000000', '--amount', '1.00', '--bank-serial', 'B1', '--staff', 'ops.lock'])
    expect(transfer.stderr).toContain('没有与该转账附言对应的团购订单')

    // What the commands reported is there when the server starts again.
    const started = await startServer()
    server = started.child
    serverExit = started.exit
    await waitUntilReady(serverExit)
    const signIn = await fetch(`http://127.0.0.1:${port}/api/staff/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'ops.lock', password: staffPassword }),
    })
    // The password the command printed is right: the console asks next for the authenticator set-up.
    expect(signIn.status).toBe(200)
    expect(((await signIn.json()) as { next: string }).next).toBe('totp_setup')
    const outbox = (await (await fetch(`http://127.0.0.1:${port}/api/dev/sms-outbox?phone=13700000101`)).json()) as { messages: Array<{ purpose: string }> }
    expect(outbox.messages.map((m) => m.purpose)).toContain('initial_password')
  })
})
