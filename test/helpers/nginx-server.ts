import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { freePort } from './free-port.js';
import { ServerProcess } from './server-process.js';

const run = promisify(execFile);
export const NGINX_BINARY = '/usr/sbin/nginx';

export interface NginxOptions {
  /**
   * Contents of the `http {}` block. `{{PORT}}` is replaced by the listening port and
   * `{{DIR}}` by the server's temp directory (for include files, logs, caches).
   */
  http: string;
}

/**
 * A real nginx (Debian package) for tests: its own prefix in a temp dir, master in the
 * foreground, listening on a free loopback port. `reload()` is `nginx -s reload`; `test()` is
 * `nginx -t`.
 */
export class NginxServer {
  readonly dir: string;
  readonly port: number;
  readonly confPath: string;
  private readonly process: ServerProcess;

  private constructor(dir: string, port: number) {
    this.dir = dir;
    this.port = port;
    this.confPath = join(dir, 'nginx.conf');
    this.process = new ServerProcess(
      NGINX_BINARY,
      ['-p', dir, '-c', this.confPath, '-g', 'daemon off;'],
      () => canConnect(port),
      'nginx',
    );
  }

  static async start(options: NginxOptions): Promise<NginxServer> {
    const dir = mkdtempSync(join(tmpdir(), 'headroom-nginx-'));
    for (const sub of ['logs', 'tmp']) mkdirSync(join(dir, sub));
    const port = await freePort();
    const server = new NginxServer(dir, port);
    const user = process.getuid?.() === 0 ? 'user root;\n' : '';
    const http = options.http.replaceAll('{{PORT}}', String(port)).replaceAll('{{DIR}}', dir);
    writeFileSync(
      server.confPath,
      `${user}worker_processes 1;
error_log ${dir}/logs/error.log warn;
pid ${dir}/nginx.pid;
events { worker_connections 256; }
http {
  client_body_temp_path ${dir}/tmp/body;
  proxy_temp_path ${dir}/tmp/proxy;
  fastcgi_temp_path ${dir}/tmp/fastcgi;
  uwsgi_temp_path ${dir}/tmp/uwsgi;
  scgi_temp_path ${dir}/tmp/scgi;
  access_log off;
${http}
}
`,
    );
    await server.process.start();
    return server;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** `nginx -t` on this server's configuration; rejects with nginx's message when invalid. */
  async test(): Promise<void> {
    await run(NGINX_BINARY, ['-p', this.dir, '-c', this.confPath, '-t']);
  }

  /** Graceful reload (`nginx -s reload`). */
  async reload(): Promise<void> {
    await run(NGINX_BINARY, ['-p', this.dir, '-c', this.confPath, '-g', 'daemon off;', '-s', 'reload']);
  }

  async stop(): Promise<void> {
    await this.process.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
