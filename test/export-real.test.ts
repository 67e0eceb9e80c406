// The exporters end to end on the REAL library classes (tools/export/tests/test_real_*.py):
// transformers' Wav2Vec2ForCTC and ESPnet's ESPnetS2TCTCModel built from their published
// configurations with random weights, exported fp32 + fp16, self-checked through the engine
// against the library's own forward pass, batched == unbatched, assess() on a real recording;
// lhotse's Fbank against the engine's kaldi_fbank through zipa_ctc.py on real recordings.
// They need the exporters' venv (bash tools/export/setup-venv.sh: torch, transformers, espnet,
// lhotse, several GB), which CI does not install: without it (and under CI=true unless
// EXPORT_VENV names it) they are skipped, and say so.
// Reduced depth by default (minutes); EXPORT_REAL_FULL=1 runs the published depth.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { exportVenv } from './helpers/export-venv.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tests = join(root, 'tools', 'export', 'tests');

const { python, reason } = exportVenv(root);
if (!python) console.log(`test/export-real.test.ts: SKIPPED, ${reason}.`);

/**
 * python -m unittest FILE, asynchronously: these take minutes, and a synchronous child would
 * block the worker's event loop past vitest's RPC timeout.
 */
function runUnittest(file: string): Promise<{ status: number | null; output: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(python!, ['-m', 'unittest', '-v', join(tests, file)], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (status) => resolvePromise({ status, output }));
  });
}

describe.skipIf(!python)("tools/export on the real library classes (exporters' venv)", () => {
  it('wav2vec2_espeak.py: transformers Wav2Vec2ForCTC, published config, fp32 + fp16, batch, assess; checks can fail', { timeout: 3_000_000 }, async () => {
    const { status, output } = await runUnittest('test_real_wav2vec2.py');
    console.log(output.split('\n').filter((l) => /max abs diff|^Ran /.test(l)).join('\n'));
    expect(output).toMatch(/Ran 5 tests/);
    expect(status, output.slice(-8000)).toBe(0);
  });

  it('powsm_ctc.py: ESPnet ESPnetS2TCTCModel (e_branchformer_ctc, prompt + prefix), published config, fp32 + fp16, batch, assess', { timeout: 3_000_000 }, async () => {
    const { status, output } = await runUnittest('test_real_powsm_ctc.py');
    console.log(output.split('\n').filter((l) => /max abs diff|^Ran /.test(l)).join('\n'));
    expect(output).toMatch(/Ran 4 tests/);
    expect(status, output.slice(-8000)).toBe(0);
  });

  it("zipa_ctc.py + lhotse Fbank vs the engine's kaldi_fbank on real recordings", { timeout: 3_000_000 }, async () => {
    const { status, output } = await runUnittest('test_real_lhotse_zipa.py');
    console.log(output.split('\n').filter((l) => /max abs diff|^Ran /.test(l)).join('\n'));
    expect(output).toMatch(/Ran 3 tests/);
    expect(status, output.slice(-8000)).toBe(0);
  });
});
