// The image's build-time MFA smoke test (Dockerfile.assess): assesses the bundled example
// recording with --aligner mfa --strict-aligner through the CLI, once through the warm helper (the
// align_one fallback switched off) and once through `mfa align_one` (the helper switched off), and
// exits 1 unless MFA produced the spans each time. Uses MFA_PYTHON, MFA_COMMAND and the other MFA_*
// variables as the worker does.
//   node dist/workers/assess/mfa-smoke-test.js [helper] [align_one]   (default: both)
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const CLI = join(ROOT, 'dist', 'lib', 'cli.js');
const RECORDING = join(ROOT, 'examples', '001040067.flac');
const TARGET = 'leɪlə ɪz ɡʊd æt sɜːfɪŋ';

const RUNNERS = {
  /** The fallback off: only a warm helper can align. */
  helper: { MFA_COMMAND: '' },
  /** The helper's Python missing: only `mfa align_one` can align. */
  align_one: { MFA_PYTHON: '/nonexistent/python' },
} as const;
type Runner = keyof typeof RUNNERS;

function smoke(runner: Runner): boolean {
  const run = spawnSync(process.execPath, [CLI, 'assess', RECORDING, '--target', TARGET, '--provider', 'cpu', '--aligner', 'mfa', '--strict-aligner'], {
    encoding: 'utf8',
    env: { ...process.env, ...RUNNERS[runner] },
  });
  let alignment: { source?: string; mfa?: { runner?: string } } | undefined;
  try {
    alignment = JSON.parse(run.stdout).alignment;
  } catch {
    alignment = undefined;
  }
  if (run.status === 0 && alignment?.source === 'mfa' && alignment.mfa?.runner === runner) {
    process.stdout.write(`MFA smoke test (${runner}): ok ${JSON.stringify(alignment)}\n`);
    return true;
  }
  process.stderr.write(`MFA smoke test (${runner}) FAILED (exit ${run.status}): ${run.stderr.trim().slice(-2000) || run.stdout.slice(0, 500)}\n`);
  return false;
}

const asked = process.argv.slice(2);
const runners = (asked.length > 0 ? asked : Object.keys(RUNNERS)) as Runner[];
for (const r of runners) if (!(r in RUNNERS)) throw new Error(`unknown runner "${r}" (helper or align_one)`);
const results = runners.map(smoke);
process.exitCode = results.every(Boolean) ? 0 : 1;
