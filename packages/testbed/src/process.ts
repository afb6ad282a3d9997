import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

/**
 * A child process the suite owns: its output is kept (to attach to a failing test) and
 * `stop()` always reaps it, so no server outlives the run.
 */
export class OwnedProcess {
  readonly #lines: string[] = [];
  readonly #child: ChildProcess;
  readonly #exited: Promise<number | null>;
  #hasExited = false;

  constructor(
    readonly label: string,
    command: string,
    args: string[],
    options: SpawnOptions,
  ) {
    this.#child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    this.#child.stdout?.setEncoding('utf8').on('data', (chunk: string) => this.#keep('out', chunk));
    this.#child.stderr?.setEncoding('utf8').on('data', (chunk: string) => this.#keep('err', chunk));
    this.#exited = new Promise((resolve) => {
      this.#child.once('exit', (code, signal) => {
        this.#hasExited = true;
        this.#lines.push(`[${label}] exited with ${code ?? signal}`);
        resolve(code);
      });
      this.#child.once('error', (error) => {
        this.#hasExited = true;
        this.#lines.push(`[${label}] failed to start: ${error.message}`);
        resolve(null);
      });
    });
  }

  get hasExited(): boolean {
    return this.#hasExited;
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** Number of output lines so far: pass it to `output(from)` to get what came after. */
  get lineCount(): number {
    return this.#lines.length;
  }

  output(fromLine = 0): string {
    return this.#lines.slice(fromLine).join('\n');
  }

  /** Ends the process: `SIGKILL` imitates a crash; `SIGTERM` falls back to a kill after a grace time. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 3000): Promise<void> {
    if (this.#hasExited) return;
    this.#child.kill(signal);
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), graceMs);
    await this.#exited;
    clearTimeout(timer);
  }

  #keep(stream: 'out' | 'err', chunk: string): void {
    for (const line of chunk.split('\n')) {
      if (line.trim() !== '') this.#lines.push(`[${this.label} ${stream}] ${line}`);
    }
  }
}
