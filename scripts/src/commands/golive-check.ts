/**
 * The go-live check (docs/go-live.md): checks, without charging anybody, that the configured Official
 * Account, WeChat Pay merchant and SMS provider are set up right, and prints each item in Chinese
 * and English with the fix. Exit status 1 when any item fails. See docs/go-live.md.
 *
 *   pnpm --filter @app/scripts golive-check          # the report
 *   pnpm --filter @app/scripts golive-check --json   # the same as JSON
 *
 * With WeChat credentials configured it talks to WeChat from this machine, so run it on the server
 * (its outgoing IP is what WeChat's whitelist sees). In simulator mode it checks the running
 * development server's simulator (start it first).
 */
import fs from 'node:fs'
import path from 'node:path'
import { createWechatRuntime, type DevSecrets, formatGoLiveReport, type GoLiveInput, loadConfig, runGoLiveCheck, simulatorClientSettings } from '@app/server/commands'
import { runCli, UsageError } from './cli.ts'

await runCli(async () => {
  const config = loadConfig()
  let input: GoLiveInput
  if (config.wechat) {
    input = {
      mode: 'live',
      wechat: createWechatRuntime(config, null).settings,
      publicBaseUrl: config.publicBaseUrl,
      siteFilesDir: config.siteFilesDir,
      sms: config.sms?.tencent ?? null,
      notices: config.notices,
    }
  } else {
    const secretsFile = path.join(config.dataDir, 'dev-secrets.json')
    if (!fs.existsSync(secretsFile)) throw new UsageError('simulator mode: start the development server once first (no dev-secrets.json yet)')
    const secrets = JSON.parse(fs.readFileSync(secretsFile, 'utf8')) as DevSecrets
    const local = `http://127.0.0.1:${config.port}`
    input = {
      mode: 'simulator',
      wechat: simulatorClientSettings(secrets, { oauthBase: `${local}/wx-sim/open`, apiBase: `${local}/wx-sim/api`, payBase: `${local}/wx-sim/mch` }),
      publicBaseUrl: config.publicBaseUrl,
      siteFilesDir: config.siteFilesDir,
      sms: config.sms?.tencent ?? null,
      notices: config.notices,
    }
  }
  const report = await runGoLiveCheck(input)
  console.log(process.argv.includes('--json') ? JSON.stringify(report, null, 2) : formatGoLiveReport(report))
  if (!report.ok) process.exitCode = 1
})
