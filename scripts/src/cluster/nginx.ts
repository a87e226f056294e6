import fs from 'node:fs'
import path from 'node:path'

export interface NginxLayout {
  dir: string
  port: number
  instancePorts: number[]
  simulatorPort: number
}

/** The access log's fields, in order: what tests and the bench read back (see parseAccessLog). */
const LOG_FORMAT = `'$msec $request_time $request_method $uri $status $upstream_addr $upstream_status $request_id'`

/**
 * nginx in front of the instances: plain round robin (no sticky sessions, no ip_hash), so
 * consecutive requests go to the next instance in turn. A refused connection (a dead instance)
 * marks the instance failed for fail_timeout and the request goes to the next one; a request
 * already sent is never re-sent for a POST (nginx's default): the client's own retry decides.
 * One worker, so the rotation is one sequence.
 */
export function nginxConfig(layout: NginxLayout): string {
  const { dir } = layout
  const temp = (name: string) => path.join(dir, 'nginx-temp', name)
  const runningAsRoot = process.getuid?.() === 0
  return `${runningAsRoot ? 'user root root;\n' : ''}worker_processes 1;
daemon off;
pid ${path.join(dir, 'nginx.pid')};
error_log ${path.join(dir, 'nginx-error.log')} warn;
events { worker_connections 4096; }
http {
  log_format cluster ${LOG_FORMAT};
  access_log ${path.join(dir, 'nginx-access.log')} cluster;
  client_body_temp_path ${temp('body')};
  proxy_temp_path ${temp('proxy')};
  fastcgi_temp_path ${temp('fastcgi')};
  uwsgi_temp_path ${temp('uwsgi')};
  scgi_temp_path ${temp('scgi')};
  client_max_body_size 1m;
  upstream instances {
${layout.instancePorts.map((port) => `    server 127.0.0.1:${port} max_fails=1 fail_timeout=10s;`).join('\n')}
    keepalive 64;
  }
  server {
    listen 127.0.0.1:${layout.port};
    location /wx-sim/ {
      proxy_pass http://127.0.0.1:${layout.simulatorPort};
      proxy_set_header Host $http_host;
    }
    location / {
      proxy_pass http://instances;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Request-Id $request_id;
      proxy_connect_timeout 1s;
      # Only a failed connection (or reset) counts against an instance and moves the request on: a
      # slow answer (the database is down) must not take every instance out of the rotation.
      proxy_next_upstream error;
      proxy_read_timeout 30s;
    }
  }
}
`
}

export function writeNginxConfig(layout: NginxLayout): string {
  for (const name of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) fs.mkdirSync(path.join(layout.dir, 'nginx-temp', name), { recursive: true })
  const file = path.join(layout.dir, 'nginx.conf')
  fs.writeFileSync(file, nginxConfig(layout))
  return file
}

export interface AccessLogLine {
  /** When the answer was sent (epoch seconds). */
  at: number
  /** When the request arrived (epoch seconds). */
  startedAt: number
  method: string
  uri: string
  status: number
  /** "127.0.0.1:port", or several comma-separated when nginx tried the next instance. */
  upstream: string
  upstreamStatus: string
  requestId: string
}

export function parseAccessLog(text: string): AccessLogLine[] {
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const parts = line.split(' ')
      // $upstream_addr and $upstream_status may hold ", "-separated lists (a retried request).
      const requestId = parts.at(-1) ?? ''
      const middle = parts.slice(5, -1).join(' ')
      const [upstream = '', upstreamStatus = ''] = middle.split(/ (?=[\d-]+(?:, [\d-]+)*$)/)
      const at = Number(parts[0])
      return { at, startedAt: at - Number(parts[1]), method: parts[2] ?? '', uri: parts[3] ?? '', status: Number(parts[4]), upstream, upstreamStatus, requestId }
    })
}
