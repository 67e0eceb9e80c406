// One MFA helper process: started, waited for until ready, sent one request at a time, killed
// when a request times out or it writes something that is not the protocol. Its work folder (the
// extracted acoustic model) is made here and removed when it exits, however it exits.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { MfaFailure } from './failure.js';
import { parseHelperLine, type AlignRequest, type ReadyMessage, type ResultMessage } from './protocol.js';

/** Longest protocol line accepted (an alignment of a 60 s recording is well under 1 MB). */
const MAX_LINE_BYTES = 16 * 1024 * 1024;
/** Characters of the helper's stderr kept for error messages. */
const STDERR_TAIL = 4000;

export interface HelperCommand {
  /** Executable and arguments; `--workdir DIR` is appended. */
  command: readonly string[];
  env?: NodeJS.ProcessEnv;
  /** Where the helper's work folder is made. */
  tempDir: string;
}

interface Pending {
  id: number;
  resolve: (result: ResultMessage) => void;
  reject: (error: MfaFailure) => void;
  timer: NodeJS.Timeout;
}

const live = new Set<ChildProcessWithoutNullStreams>();
let exitHookInstalled = false;

/** Helpers are killed with the Node process (they also exit by themselves when their stdin closes). */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
}

export class HelperProcess {
  readonly ready: ReadyMessage;
  private readonly child: ChildProcessWithoutNullStreams;
  private pending: Pending | undefined;
  private exited = false;
  /** Killed, though maybe not exited yet: it takes no more requests. */
  private killed = false;
  /** Requests answered so far. */
  served = 0;
  private stderrTail: () => string;
  private readonly exitListeners: Array<(why: string) => void> = [];

  private constructor(child: ChildProcessWithoutNullStreams, ready: ReadyMessage, stderrTail: () => string) {
    this.child = child;
    this.ready = ready;
    this.stderrTail = stderrTail;
  }

  /** Spawns a helper and resolves once it says it is ready; MfaFailure('unavailable') when it cannot start. */
  static start(spec: HelperCommand, startTimeoutMs: number): Promise<HelperProcess> {
    installExitHook();
    const workdir = mkdtempSync(join(spec.tempDir, 'pe-mfa-helper-'));
    const [exe, ...args] = spec.command;
    const child = spawn(exe, [...args, '--workdir', workdir], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, PYTHONUNBUFFERED: '1', ...spec.env } });
    live.add(child);
    // An idle helper does not keep Node running (a request's or a start's timer does); one left
    // running when Node exits is killed by the exit hook, or exits when its stdin closes.
    child.unref();
    for (const stream of [child.stdin, child.stdout, child.stderr]) (stream as unknown as { unref?: () => void }).unref?.();
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_TAIL);
    });
    const stderrTail = () => stderr.trim();
    // The pipe to a dead child errors on write; that is handled through 'close'.
    child.stdin.on('error', () => {});
    const removeWorkdir = () => rmSync(workdir, { recursive: true, force: true });
    // 'close', not 'exit': stdout is read to its end first, so a result written just before exiting is kept.
    child.on('close', () => {
      live.delete(child);
      removeWorkdir();
    });

    return new Promise<HelperProcess>((resolve, reject) => {
      let helper: HelperProcess | undefined;
      let buffered = '';
      const fail = (message: string) => {
        if (helper) return; // after ready, failures arrive through 'close' (onExit)
        clearTimeout(timer);
        child.kill('SIGKILL');
        live.delete(child);
        removeWorkdir(); // now: a child that never started emits no 'close'
        const tail = stderrTail();
        reject(new MfaFailure('unavailable', `MFA helper could not start: ${message}${tail ? `; stderr: ${tail.slice(-800)}` : ''}`));
      };
      const timer = setTimeout(() => fail(`not ready after ${startTimeoutMs} ms`), startTimeoutMs);
      child.on('error', (error) => fail(error.message));
      child.on('close', (code, signal) => {
        if (!helper) fail(`exited (${signal ?? `code ${code}`}) before it was ready`);
        else helper.onExit(`exited (${signal ?? `code ${code}`})`);
      });
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (chunk: string) => {
        buffered += chunk;
        let newline: number;
        while ((newline = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, newline).trim();
          buffered = buffered.slice(newline + 1);
          if (!line) continue;
          const message = parseHelperLine(line);
          if (!helper) {
            if (message?.type === 'ready') {
              clearTimeout(timer);
              helper = new HelperProcess(child, message, stderrTail);
              resolve(helper);
            } else if (message?.type === 'fatal') {
              fail(message.message);
            } else {
              fail(`it wrote something that is not the protocol: ${line.slice(0, 200)}`);
            }
          } else {
            helper.onLine(line, message);
          }
        }
        if (buffered.length > MAX_LINE_BYTES) {
          buffered = '';
          if (helper) helper.broken(`a protocol line longer than ${MAX_LINE_BYTES} bytes`);
          else fail('a line too long');
        }
      });
    });
  }

  get alive(): boolean {
    return !this.exited && !this.killed;
  }

  /** Sends one request; resolves with the helper's result line. Rejects with MfaFailure 'timeout', 'crash' or 'unusable_output'. */
  request(request: AlignRequest, timeoutMs: number): Promise<ResultMessage> {
    if (!this.alive) return Promise.reject(new MfaFailure('crash', 'the MFA helper has exited'));
    if (this.pending) return Promise.reject(new Error('HelperProcess.request: one request at a time'));
    return new Promise<ResultMessage>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.settle(undefined, new MfaFailure('timeout', `MFA took longer than ${timeoutMs} ms; the helper was stopped`));
        this.kill();
      }, timeoutMs);
      this.pending = { id: request.id, resolve, reject, timer };
      this.child.stdin.write(`${JSON.stringify(request)}\n`);
    });
  }

  /** Calls `listener` once when the helper exits, with why. */
  onceExit(listener: (why: string) => void): void {
    if (this.exited) listener('exited');
    else this.exitListeners.push(listener);
  }

  kill(): void {
    this.killed = true;
    if (!this.exited) this.child.kill('SIGKILL');
  }

  /** Closes stdin: the helper finishes and exits by itself. */
  close(): void {
    if (!this.exited) this.child.stdin.end();
  }

  private settle(result: ResultMessage | undefined, error?: MfaFailure): void {
    const pending = this.pending;
    if (!pending) return;
    this.pending = undefined;
    clearTimeout(pending.timer);
    if (error) pending.reject(error);
    else pending.resolve(result!);
  }

  private onLine(line: string, message: ReturnType<typeof parseHelperLine>): void {
    if (message?.type === 'result' && this.pending && (message.id === this.pending.id || (!message.ok && message.id === null))) {
      this.served += 1;
      this.settle(message);
      return;
    }
    this.broken(message ? `an unexpected ${message.type} message` : `output that is not the protocol: ${line.slice(0, 200)}`);
  }

  /** The helper wrote something other than the answer expected: its stream cannot be trusted any more. */
  private broken(what: string): void {
    this.settle(undefined, new MfaFailure('unusable_output', `the MFA helper wrote ${what}; it was restarted`));
    this.kill();
  }

  private onExit(why: string): void {
    this.exited = true;
    const tail = this.stderrTail();
    this.settle(undefined, new MfaFailure('crash', `the MFA helper ${why} while aligning${tail ? `; stderr: ${tail.slice(-800)}` : ''}`));
    for (const listener of this.exitListeners.splice(0)) listener(why);
  }
}
