import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OwnedProcess } from '@app/testbed';
import { freePort, freePortRange, waitForTcp } from './ports.ts';

/**
 * Debian's coturn on loopback, in TURN REST mode (`use-auth-secret`): the signaling server
 * mints credentials from the same secret. Loopback peers are allowed because both browsers
 * and the relay live on 127.0.0.1.
 */
export class Coturn {
  private constructor(
    readonly port: number,
    readonly secret: string,
    readonly process: OwnedProcess,
  ) {}

  static async start(): Promise<Coturn> {
    const port = await freePort();
    const relayPorts = await freePortRange(100);
    const secret = randomBytes(24).toString('hex');
    const turn = new OwnedProcess(
      'coturn',
      // coturn's log goes through stdio, which libc fully buffers on a pipe: line-buffer it
      // so that a failing test gets the log up to the failure.
      'stdbuf',
      [
        '-oL',
        'turnserver',
        '-n',
        '--listening-ip=127.0.0.1',
        '--relay-ip=127.0.0.1',
        `--listening-port=${port}`,
        `--min-port=${relayPorts.min}`,
        `--max-port=${relayPorts.max}`,
        '--use-auth-secret',
        `--static-auth-secret=${secret}`,
        '--realm=test',
        '--allow-loopback-peers',
        '--no-cli',
        '--no-tls',
        '--no-dtls',
        '--log-file=stdout',
        '--simple-log',
        '--verbose',
        `--pidfile=${join(tmpdir(), `coturn-e2e-${port}.pid`)}`,
      ],
      {},
    );
    try {
      await waitForTcp(port, 10_000);
    } catch (error) {
      await turn.stop('SIGKILL');
      throw new Error(`coturn did not start: ${(error as Error).message}\n${turn.output()}`, {
        cause: error,
      });
    }
    return new Coturn(port, secret, turn);
  }

  /** What the signaling server hands to browsers (via `TURN_URLS`). */
  get urls(): string {
    return `turn:127.0.0.1:${this.port}?transport=udp,turn:127.0.0.1:${this.port}?transport=tcp`;
  }

  /** Env for the signaling server so that it mints credentials for this relay. */
  get serverEnv(): Record<string, string> {
    return { TURN_URLS: this.urls, TURN_SECRET: this.secret };
  }

  async stop(): Promise<void> {
    await this.process.stop('SIGTERM');
  }
}
