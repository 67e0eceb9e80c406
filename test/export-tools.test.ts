// The exporters' Python tests (tools/export/tests): vocabulary conversion, manifests, the engine
// loading each kind of bundle, the self-check passing, failing and being refused (no torch
// needed: these run in CI), the torch -> ONNX export core and the plain-torch wav2vec2 used by
// the model benchmark (need torch + torchaudio: a system python3 with them, else the exporters'
// venv where there is one; skipped with the reason where neither is, as in CI).
import { execFileSync, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { exportVenv } from './helpers/export-venv.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tests = join(root, 'tools', 'export', 'tests');

function pythonWith(modules: string): string | undefined {
  for (const candidate of [process.env.PYTHON, 'python3', '/usr/bin/python3', exportVenv(root).python].filter((c): c is string => !!c)) {
    try {
      execFileSync(candidate, ['-c', `import ${modules}`], { stdio: 'ignore' });
      return candidate;
    } catch {
      // next
    }
  }
  return undefined;
}

function runUnittest(python: string, file: string): { status: number | null; output: string } {
  const res = spawnSync(python, ['-m', 'unittest', '-v', join(tests, file)], { cwd: root, encoding: 'utf8', timeout: 170_000 });
  return { status: res.status, output: `${res.stdout}\n${res.stderr}` };
}

const basePython = pythonWith('onnx, numpy');
const torchPython = pythonWith('onnx, numpy, torch, torchaudio');

describe('tools/export', () => {
  it('vocabulary, manifests, the engine loading each kind, self-check pass/fail/refusal', { timeout: 180_000 }, () => {
    expect(basePython, 'needs a python3 with onnx and numpy (CI installs python3-onnx)').toBeDefined();
    const { status, output } = runUnittest(basePython!, 'test_bundle.py');
    expect(output).toMatch(/Ran 1[0-9] tests/);
    expect(status, output).toBe(0);
  });

  it.skipIf(!torchPython)('torch -> ONNX export core with a small torch model (needs torch + torchaudio)', { timeout: 180_000 }, () => {
    const { status, output } = runUnittest(torchPython!, 'test_torch_export.py');
    expect(output).not.toMatch(/skipped/);
    expect(status, output).toBe(0);
  });

  it.skipIf(!torchPython)('wav2vec2_plain: shapes, output lengths, padding + attention_mask equals unpadded (needs torch)', { timeout: 180_000 }, () => {
    const { status, output } = runUnittest(torchPython!, 'test_wav2vec2_plain.py');
    expect(output).toMatch(/Ran 5 tests/);
    expect(status, output).toBe(0);
  });
});
