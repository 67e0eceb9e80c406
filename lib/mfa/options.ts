// Options of the MFA aligner (LoadOptions.mfa), their defaults, validation, and the environment
// variables the CLI and the workers read them from.
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { PHONE_SETS, type PhoneSetName } from './phone-tables.js';

export type MfaLog = (level: 'info' | 'warn', message: string, fields?: Record<string, unknown>) => void;

export interface MfaOptions {
  /** Pretrained model name (`english_mfa`, `english_us_arpa`) or path to its .zip. Default `english_mfa`. */
  acousticModel?: string;
  /** The phone table to use; default: from the model (its name, else the phones it reports). */
  phoneSet?: PhoneSetName;
  /** Python of the environment where MFA is installed. Default `python3`. */
  python?: string;
  /** The helper command, replacing `[python, mfa_helper.py, --acoustic-model M]` (e.g. a stand-in in tests). */
  helperCommand?: string[];
  /** The `mfa` command for the `align_one` fallback; `null` disables the fallback. Default `['mfa']`. */
  alignOneCommand?: string[] | null;
  /** Warm helpers, one request each at a time. Default 1. */
  poolSize?: number;
  /** Requests that may wait for a helper; more are refused (`queue_full`). Default 16. */
  maxQueue?: number;
  /** Per MFA call (a retry with the wider beam is a second call). Default 30 s. */
  timeoutMs?: number;
  /** For a helper to load the model and say it is ready. Default 120 s. */
  startTimeoutMs?: number;
  /** MFA's beam and retry beam (MFA defaults 10 and 40). */
  beam?: number;
  retryBeam?: number;
  /** The wider beam tried after a beam failure, as MFA's docs advise (troubleshooting.rst). Default 100 / 400. */
  wideBeam?: number;
  wideRetryBeam?: number;
  /** An MFA failure is an ALIGNMENT_FAILED error instead of a result with CTC spans. */
  strict?: boolean;
  /** Where request files and helper work folders go. Default the OS temp folder. */
  tempDir?: string;
  /** Extra environment for MFA (e.g. MFA_ROOT_DIR). */
  env?: Record<string, string>;
  /** Log lines (helper restarts, fallback to align_one); default: JSON lines on stderr. */
  log?: MfaLog;
}

export type ResolvedMfaOptions = Required<Omit<MfaOptions, 'phoneSet' | 'helperCommand' | 'env'>> &
  Pick<MfaOptions, 'phoneSet' | 'helperCommand' | 'env'>;

const positiveInt = (max: number) => z.number().int().min(1).max(max);

export const mfaOptionsSchema = z.strictObject({
  acousticModel: z.string().min(1).optional(),
  phoneSet: z.enum(PHONE_SETS as [PhoneSetName, ...PhoneSetName[]]).optional(),
  python: z.string().min(1).optional(),
  helperCommand: z.array(z.string()).min(1).optional(),
  alignOneCommand: z.array(z.string()).min(1).nullable().optional(),
  poolSize: positiveInt(64).optional(),
  maxQueue: z.number().int().min(0).max(100_000).optional(),
  timeoutMs: positiveInt(3_600_000).optional(),
  startTimeoutMs: positiveInt(3_600_000).optional(),
  beam: z.number().positive().optional(),
  retryBeam: z.number().positive().optional(),
  wideBeam: z.number().positive().optional(),
  wideRetryBeam: z.number().positive().optional(),
  strict: z.boolean().optional(),
  tempDir: z.string().min(1).optional(),
  env: z.record(z.string(), z.string()).optional(),
  log: z.custom<MfaLog>((v) => typeof v === 'function', 'must be a function').optional(),
});

/** lib/mfa/mfa_helper.py in the installed package (the package root holds package.json). */
export function helperScriptPath(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return join(dir, 'lib', 'mfa', 'mfa_helper.py');
}

const stderrLog: MfaLog = (level, message, fields) => {
  process.stderr.write(`${JSON.stringify({ level: level.toUpperCase(), message, ...fields })}\n`);
};

export function resolveMfaOptions(options: MfaOptions = {}): ResolvedMfaOptions {
  return {
    acousticModel: options.acousticModel ?? 'english_mfa',
    phoneSet: options.phoneSet,
    python: options.python ?? 'python3',
    helperCommand: options.helperCommand,
    alignOneCommand: options.alignOneCommand === undefined ? ['mfa'] : options.alignOneCommand,
    poolSize: options.poolSize ?? 1,
    maxQueue: options.maxQueue ?? 16,
    timeoutMs: options.timeoutMs ?? 30_000,
    startTimeoutMs: options.startTimeoutMs ?? 120_000,
    beam: options.beam ?? 10,
    retryBeam: options.retryBeam ?? 40,
    wideBeam: options.wideBeam ?? 100,
    wideRetryBeam: options.wideRetryBeam ?? 400,
    strict: options.strict ?? false,
    tempDir: options.tempDir ?? tmpdir(),
    env: options.env,
    log: options.log ?? stderrLog,
  };
}

/**
 * MFA options from the environment (CLI and workers), or undefined when MFA is not configured:
 *   MFA_ACOUSTIC_MODEL (configures MFA; default english_mfa when only ALIGNER=mfa is set),
 *   MFA_PYTHON, MFA_COMMAND (the align_one fallback; "" disables it), MFA_POOL_SIZE,
 *   MFA_MAX_QUEUE, MFA_TIMEOUT_MS, MFA_STRICT (1/true), MFA_PHONE_SET; MFA_ROOT_DIR is MFA's own.
 */
export function mfaOptionsFromEnv(env: NodeJS.ProcessEnv, alignerIsMfa: boolean): MfaOptions | undefined {
  if (!env.MFA_ACOUSTIC_MODEL && !alignerIsMfa) return undefined;
  const int = (name: string) => {
    const value = env[name];
    if (value === undefined || value === '') return undefined;
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a whole number, not "${value}"`);
    return n;
  };
  const options: MfaOptions = { acousticModel: env.MFA_ACOUSTIC_MODEL || 'english_mfa' };
  if (env.MFA_PYTHON) options.python = env.MFA_PYTHON;
  if (env.MFA_COMMAND !== undefined) options.alignOneCommand = env.MFA_COMMAND === '' ? null : env.MFA_COMMAND.split(' ').filter(Boolean);
  if (env.MFA_PHONE_SET) options.phoneSet = env.MFA_PHONE_SET as PhoneSetName;
  options.poolSize = int('MFA_POOL_SIZE');
  options.maxQueue = int('MFA_MAX_QUEUE');
  options.timeoutMs = int('MFA_TIMEOUT_MS');
  if (env.MFA_STRICT) options.strict = /^(1|true|yes)$/iu.test(env.MFA_STRICT);
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as MfaOptions;
}
