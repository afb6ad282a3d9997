import { request } from 'node:https';
import { OwnedProcess } from '@app/testbed';
import { freePort, sleep } from './ports.ts';
import { REPO_ROOT, SERVER_ENTRY } from './paths.ts';

/**
 * The production server in LAN mode (`LAN=1`): HTTPS with the generated self-signed
 * certificate in `<repo>/.certs`. Bound to loopback for the test (HOST=127.0.0.1); what
 * matters is that browsers reach it over https and get a secure context.
 */
export class LanServer {
  private constructor(
    readonly port: number,
    readonly process: OwnedProcess,
  ) {}

  static async start(env: Record<string, string> = {}): Promise<LanServer> {
    const port = await freePort();
    const child = new OwnedProcess('signal-lan', process.execPath, [SERVER_ENTRY], {
      cwd: REPO_ROOT,
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: process.env.HOME ?? '/tmp',
        NODE_ENV: 'production',
        HEARTBEAT_MS: '3000',
        ...env,
        LAN: '1',
        PORT: String(port),
        HOST: '127.0.0.1',
      },
    });
    const server = new LanServer(port, child);
    await server.#waitUntilHealthy(20_000);
    return server;
  }

  get origin(): string {
    return `https://127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    await this.process.stop('SIGTERM');
  }

  async #waitUntilHealthy(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let lastProblem = 'no answer';
    while (Date.now() < deadline && !this.process.hasExited) {
      try {
        const { status, body } = await httpsGet(`${this.origin}/healthz`, { rejectUnauthorized: false });
        if (status === 200 && body.includes('"ok"')) return;
        lastProblem = `HTTP ${status} ${body}`;
      } catch (error) {
        lastProblem = error instanceof Error ? error.message : String(error);
      }
      await sleep(150);
    }
    const output = this.process.output();
    await this.process.stop('SIGKILL');
    throw new Error(
      `The LAN-mode server on port ${this.port} never answered over HTTPS (${lastProblem}).\n${output}`,
    );
  }
}

export interface HttpsGetOptions {
  /** Trust exactly this certificate (PEM); the self-signed one the server made. */
  ca?: string;
  rejectUnauthorized?: boolean;
}

/** A GET over HTTPS with Node's own TLS checks (fetch cannot be given a CA per request). */
export function httpsGet(url: string, options: HttpsGetOptions): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', timeout: 2000, ...options }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end();
  });
}
