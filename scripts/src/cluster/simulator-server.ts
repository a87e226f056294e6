/**
 * The WeChat simulator as its own process, shared by every instance of the local cluster the way
 * WeChat is: `node --import tsx simulator-server.ts <port> <dataDir> <callbackHost>…`. It reads the
 * development keys the instances share from <dataDir>/dev-secrets.json.
 */
import Fastify from 'fastify'
import path from 'node:path'
import { createWechatSimulator, loadOrCreateDevSecrets, securityHeaders, simulatorKeys } from '@app/server/commands'

const [portArg, dataDir, ...callbackHosts] = process.argv.slice(2)
if (!portArg || !dataDir) throw new Error('usage: simulator-server.ts <port> <dataDir> <callbackHost>…')

const simulator = createWechatSimulator({
  ...simulatorKeys(loadOrCreateDevSecrets(dataDir)),
  oauthCallbackHosts: callbackHosts,
  allowHttpNotifyUrl: true,
  // WeChat's retry schedule (15 s, 15 s, 30 s, 3 min …) compressed ×1/60, as in development.
  retryScale: Number(process.env.SIM_RETRY_SCALE ?? 1 / 60),
  stateFile: path.join(dataDir, 'wechat-simulator.json'),
})
const app = Fastify({ logger: false })
// The headers every instance sends (CSP included), as the simulator mounted in the server has them:
// its OAuth page is a page of our origin to the browser, behind the same nginx.
await app.register(securityHeaders, { publicBaseUrl: `http://${callbackHosts[0] ?? '127.0.0.1'}` })
await app.register(simulator.plugin, { prefix: '/wx-sim' })
await app.listen({ host: '127.0.0.1', port: Number(portArg) })
const stop = async () => {
  await app.close()
  await simulator.close()
  process.exit(0)
}
process.once('SIGTERM', () => void stop())
process.once('SIGINT', () => void stop())
