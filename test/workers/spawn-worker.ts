// Starts a real worker process (the compiled entry point, as the Docker image's CMD runs it) and
// collects its JSON log lines and stdout.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..');
export const ASSESS_MAIN = join(ROOT, 'dist', 'workers', 'assess', 'main.js');
export const PLUMBING_MODEL = join(ROOT, 'models', 'plumbing');

export interface SpawnedWorker {
  process: ChildProcess;
  logs: Record<string, unknown>[];
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
  /** Resolves with the first log line that matches. */
  waitForLog(predicate: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
}

export function spawnWorker(args: string[], env: Record<string, string>, options: { cwd?: string; main?: string } = {}): SpawnedWorker {
  const child = spawn(process.execPath, [options.main ?? ASSESS_MAIN, ...args], {
    cwd: options.cwd ?? ROOT,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', MODEL_DIR: PLUMBING_MODEL, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Record<string, unknown>[] = [];
  let out = '';
  let err = '';
  let partial = '';
  const listeners = new Set<() => void>();
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    err += text;
    partial += text;
    const lines = partial.split('\n');
    partial = lines.pop()!;
    for (const line of lines) {
      try {
        logs.push(JSON.parse(line));
      } catch {
        // not a JSON log line (e.g. a Node warning)
      }
    }
    for (const listener of [...listeners]) listener();
  });
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    process: child,
    logs,
    stdout: () => out,
    stderr: () => err,
    exit,
    waitForLog(predicate, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = logs.find(predicate);
          if (found) {
            clearTimeout(timer);
            listeners.delete(check);
            resolve(found);
          }
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`no matching log line within ${timeoutMs} ms; stderr:\n${err.slice(-3000)}`));
        }, timeoutMs);
        listeners.add(check);
        void exit.then(() => setTimeout(check, 0));
        check();
      });
    },
  };
}
