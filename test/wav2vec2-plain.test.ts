// Runs tools/export/test_wav2vec2_plain.py (shapes, output lengths, padding + attention_mask
// equals unpadded) where a Python with torch exists; skipped otherwise (CI has no torch).
import { execFileSync, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const script = join(dirname(fileURLToPath(import.meta.url)), '..', 'tools', 'export', 'test_wav2vec2_plain.py');

function pythonWithTorch(): string | undefined {
  for (const candidate of [process.env.PYTHON, '/usr/bin/python3'].filter((c): c is string => !!c)) {
    try {
      execFileSync(candidate, ['-c', 'import torch'], { stdio: 'ignore', timeout: 60_000 });
      return candidate;
    } catch {
      // next
    }
  }
  return undefined;
}

const python = pythonWithTorch();

describe.skipIf(!python)('wav2vec2_plain (torch)', () => {
  it('passes its Python checks', () => {
    const run = spawnSync(python!, [script], { encoding: 'utf8', timeout: 120_000 });
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stderr).toMatch(/Ran 5 tests[\s\S]*OK/);
  });
});
