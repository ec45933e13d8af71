import { connect } from 'node:net';
import { freePort } from './free-port.js';
import { ServerProcess } from './server-process.js';

export const REDIS_BINARY = '/usr/bin/redis-server';

/** A real redis-server (Debian package) on a free loopback port, no persistence. */
export class RedisServer {
  private constructor(
    readonly port: number,
    private readonly process: ServerProcess,
  ) {}

  static async start(options: { password?: string } = {}): Promise<RedisServer> {
    const port = await freePort();
    const args = ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no'];
    if (options.password) args.push('--requirepass', options.password);
    const proc = new ServerProcess(REDIS_BINARY, args, () => ping(port), 'redis-server');
    await proc.start();
    return new RedisServer(port, proc);
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    await this.process.stop();
  }

  async kill(): Promise<void> {
    await this.process.kill();
  }
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString().startsWith('+PONG') || data.toString().startsWith('-NOAUTH'));
    });
    socket.once('error', () => resolve(false));
  });
}
