// The fallback when no helper can start: `mfa align_one` as one process per request
// (montreal_forced_aligner/command_line/align_one.py). No database, no speaker adaptation; the
// model is loaded on every call, so each takes seconds. Its JSON goes to stdout (`-`).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { MfaFailure } from './failure.js';
import type { RequestFiles } from './request-files.js';

export interface AlignOneOptions {
  /** The `mfa` executable (and any leading arguments). */
  command: readonly string[];
  acousticModel: string;
  beam: number;
  retryBeam: number;
  timeoutMs: number;
  env?: NodeJS.ProcessEnv;
}

const OUTPUT_LIMIT = 16 * 1024 * 1024;

/** The arguments for one file: JSON on stdout, our tokens as they are, a temporary folder of the request's own. */
export function alignOneArgs(files: RequestFiles, options: AlignOneOptions): string[] {
  return [
    'align_one',
    files.audio,
    files.transcript,
    files.dictionary,
    options.acousticModel,
    '-',
    '--output_format',
    'json',
    // Our tokens (w0 w1 ...) must not go through spaCy's English tokenizer.
    '--no_tokenization',
    '--beam',
    String(options.beam),
    '--retry_beam',
    String(options.retryBeam),
    '-q',
    '--clean',
    // Per request: concurrent calls never share MFA's temporary folder (MFA #665).
    '-t',
    join(files.dir, 'mfa'),
  ];
}

/** The JSON object in align_one's stdout (tolerating log lines around it). */
export function jsonFromStdout(stdout: string): unknown {
  const text = stdout.trim();
  try {
    return JSON.parse(text);
  } catch {
    const first = text.indexOf('{');
    const last = text.lastIndexOf('}');
    if (first < 0 || last <= first) throw new MfaFailure('unusable_output', `mfa align_one printed no JSON alignment: ${text.slice(0, 200)}`);
    try {
      return JSON.parse(text.slice(first, last + 1));
    } catch (error) {
      throw new MfaFailure('unusable_output', `mfa align_one printed something that is not a JSON alignment: ${(error as Error).message}`);
    }
  }
}

/** Runs `mfa align_one` on one request's files; the parsed JSON document, or MfaFailure. */
export function runAlignOne(files: RequestFiles, options: AlignOneOptions): Promise<unknown> {
  const [exe, ...lead] = options.command;
  return new Promise((resolve, reject) => {
    const child = spawn(exe, [...lead, ...alignOneArgs(files, options)], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...options.env } });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs);
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      stdout += chunk;
      if (stdout.length > OUTPUT_LIMIT) child.kill('SIGKILL');
    });
    child.stderr.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-4000);
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new MfaFailure('unavailable', `mfa align_one could not run (${exe}): ${error.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (timedOut) return reject(new MfaFailure('timeout', `mfa align_one took longer than ${options.timeoutMs} ms; it was stopped`));
      if (code !== 0) {
        const tail = stderr.trim().slice(-800);
        const beam = /beam|could not align/iu.test(stderr);
        return reject(new MfaFailure(beam ? 'beam' : 'crash', `mfa align_one failed (${signal ?? `exit code ${code}`})${tail ? `: ${tail}` : ''}`));
      }
      try {
        resolve(jsonFromStdout(stdout));
      } catch (error) {
        reject(error);
      }
    });
  });
}
