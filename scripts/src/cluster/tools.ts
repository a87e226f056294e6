import fs from 'node:fs'
import path from 'node:path'

export class ClusterSetupError extends Error {
  override name = 'ClusterSetupError'
}

/**
 * Finds a Debian-packaged program (nginx, pgbouncer). The cluster runs it as its own process with
 * its own configuration in a temporary folder, never as the system service.
 */
export function requireProgram(name: 'nginx' | 'pgbouncer'): string {
  const dirs = ['/usr/sbin', '/usr/bin', '/usr/local/sbin', '/usr/local/bin', ...(process.env.PATH ?? '').split(':')]
  for (const dir of dirs) {
    const candidate = path.join(dir, name)
    try {
      fs.accessSync(candidate, fs.constants.X_OK)
      return candidate
    } catch {
      // not here
    }
  }
  throw new ClusterSetupError(`${name} is not installed. Install Debian's package: apt-get install -y ${name} (the cluster starts it as its own process on a free port; the system service stays off)`)
}
