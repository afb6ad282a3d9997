import { readFileSync } from 'node:fs';

/** What tests read of a process in `/proc/<pid>/stat` (proc(5)). */
export interface ProcessStat {
  /** Field 4. */
  parent: number;
  /** Field 19: -20 (first to run) to 19. */
  niceness: number;
  /** Field 22, clock ticks since boot at which the process started: tells a reused pid apart. */
  startTime: string;
}

/** `pid`'s stat, or undefined when there is no such process (any more). */
export function processStat(pid: number): ProcessStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // Fields from the state (3) on: the command name (2) is in parentheses and may itself hold
  // spaces or parentheses.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { parent: Number(fields[1]), niceness: Number(fields[16]), startTime: fields[19] ?? '' };
}
