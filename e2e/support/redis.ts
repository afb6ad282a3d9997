import { OwnedProcess } from '@app/testbed';
import { freePort, waitForTcp } from './ports.ts';

/** A throwaway redis-server on loopback with no persistence, for scale-out runs. */
export class Redis {
  private constructor(
    readonly port: number,
    readonly process: OwnedProcess,
  ) {}

  static async start(): Promise<Redis> {
    const port = await freePort();
    const redis = new OwnedProcess(
      'redis',
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      {},
    );
    try {
      await waitForTcp(port, 10_000);
    } catch (error) {
      await redis.stop('SIGKILL');
      throw new Error(`redis-server did not start: ${(error as Error).message}\n${redis.output()}`, {
        cause: error,
      });
    }
    return new Redis(port, redis);
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    await this.process.stop('SIGTERM');
  }
}
