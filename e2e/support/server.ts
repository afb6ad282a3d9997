import { OwnedProcess } from '@app/testbed';
import { freePort, sleep } from './ports.ts';
import { REPO_ROOT, SERVER_ENTRY } from './paths.ts';

/**
 * The real production server (`node apps/signal/dist/server.js`) on a loopback port of its
 * own. It can be stopped and started again on the same port with the same env, which is how
 * the suite imitates a server restart in the middle of a call.
 */
export class SignalServer {
  #process: OwnedProcess | undefined;
  /** Output of earlier runs of this server (before a restart), kept for failure reports. */
  #earlierOutput: string[] = [];

  private constructor(
    readonly port: number,
    readonly env: Record<string, string>,
  ) {}

  static async start(env: Record<string, string> = {}): Promise<SignalServer> {
    const server = new SignalServer(await freePort(), env);
    await server.start();
    return server;
  }

  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get wsUrl(): string {
    return `ws://127.0.0.1:${this.port}/ws`;
  }

  get isRunning(): boolean {
    return this.#process !== undefined && !this.#process.hasExited;
  }

  /** Everything the server printed, across restarts. */
  output(): string {
    return [...this.#earlierOutput, this.#process?.output() ?? ''].filter(Boolean).join('\n');
  }

  /** A mark to pass to `outputSince` so that a test gets only its own slice of the log. */
  outputMark(): { runs: number; lines: number } {
    return { runs: this.#earlierOutput.length, lines: this.#process?.lineCount ?? 0 };
  }

  outputSince(mark: { runs: number; lines: number }): string {
    if (mark.runs < this.#earlierOutput.length) {
      return [...this.#earlierOutput.slice(mark.runs), this.#process?.output() ?? ''].join('\n');
    }
    return this.#process?.output(mark.lines) ?? '';
  }

  async start(): Promise<void> {
    if (this.isRunning) throw new Error('The server is already running');
    this.#process = new OwnedProcess('signal', process.execPath, [SERVER_ENTRY], {
      cwd: REPO_ROOT,
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: process.env.HOME ?? '/tmp',
        NODE_ENV: 'production',
        ...this.env,
        PORT: String(this.port),
        HOST: '127.0.0.1',
      },
    });
    await this.#waitUntilHealthy(15_000);
  }

  /** `SIGKILL` is a crash: the server gets no chance to say goodbye to its clients. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const running = this.#process;
    if (!running) return;
    await running.stop(signal);
    this.#earlierOutput.push(running.output());
    this.#process = undefined;
  }

  async restart(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    await this.stop(signal);
    await this.start();
  }

  async #waitUntilHealthy(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let lastProblem = 'no answer';
    while (Date.now() < deadline) {
      if (this.#process?.hasExited) break;
      try {
        const response = await fetch(`${this.origin}/healthz`, { signal: AbortSignal.timeout(1000) });
        const body: unknown = await response.json().catch(() => undefined);
        if (response.ok && isHealthy(body)) return;
        lastProblem = `HTTP ${response.status} ${JSON.stringify(body)}`;
      } catch (error) {
        lastProblem = error instanceof Error ? error.message : String(error);
      }
      await sleep(100);
    }
    const output = this.#process?.output() ?? '';
    await this.stop('SIGKILL');
    throw new Error(
      `The signaling server on port ${this.port} never became healthy (${lastProblem}).\n${output}`,
    );
  }
}

function isHealthy(body: unknown): boolean {
  return typeof body === 'object' && body !== null && (body as { status?: unknown }).status === 'ok';
}
