/**
 * Creates the Official Account menu 继续教育 → 公需科目 (WX-2) with `cgi-bin/menu/create`.
 *
 *   pnpm --filter @app/scripts create-menu           # create it
 *   pnpm --filter @app/scripts create-menu --print   # only print the menu JSON
 *
 * With WeChat credentials configured it talks to WeChat and caches the stable access token in the
 * server's database (shared with the running servers). In simulator mode it talks to the simulator
 * of the running development server (start it first with the Quick start command).
 */
import fs from 'node:fs'
import path from 'node:path'
import { continuingEducationMenu, createDatabase, createMenu, type DevSecrets, loadConfig, type WechatApiSettings } from '@app/server/commands'
import { openDatabase, runCli, UsageError } from './cli.ts'

await runCli(async () => {
  const config = loadConfig()
  const menu = continuingEducationMenu(config.publicBaseUrl)
  if (process.argv.includes('--print')) {
    console.log(JSON.stringify(menu, null, 2))
    return
  }
  if (config.wechat) {
    const database = await openDatabase()
    try {
      await createMenu(database.db, config.wechat, menu)
    } finally {
      await database.close()
    }
  } else {
    const secretsFile = path.join(config.dataDir, 'dev-secrets.json')
    if (!fs.existsSync(secretsFile)) throw new UsageError('simulator mode: start the development server once first (no dev-secrets.json yet)')
    const secrets = JSON.parse(fs.readFileSync(secretsFile, 'utf8')) as DevSecrets
    const settings: WechatApiSettings = {
      appId: secrets.appId,
      appSecret: secrets.appSecret,
      apiBase: `http://127.0.0.1:${config.port}/wx-sim/api`,
    }
    // The running server holds the embedded database; a throwaway one caches the token here.
    const scratch = await createDatabase({ memory: true })
    try {
      await scratch.migrate()
      await createMenu(scratch.db, settings, menu)
    } catch (error) {
      if ((error as { reason?: string }).reason === 'network') {
        throw new UsageError(`simulator mode: no development server answers on port ${config.port} (start it first)`)
      }
      throw error
    } finally {
      await scratch.close()
    }
  }
  console.log(`menu created: 继续教育 → 公需科目 → ${menu.button[0]?.sub_button?.[0]?.url ?? ''}`)
})
