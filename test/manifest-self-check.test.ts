// manifest.json's self_check (written by tools/export): a failed check refuses the bundle with
// MODEL_UNAVAILABLE naming the figures; a passed one, or none (hand-made bundles), loads.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { load } from '../lib/engine.js';
import { loadManifest } from '../lib/model/manifest.js';

const plumbing = join(import.meta.dirname, '..', 'models', 'plumbing');

function bundleWith(selfCheck: unknown, extra: Record<string, unknown> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'self-check-'));
  cpSync(plumbing, dir, { recursive: true });
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  if (selfCheck !== undefined) manifest.self_check = selfCheck;
  Object.assign(manifest, extra);
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
  return dir;
}

const check = { passed: true, max_abs_diff: 7.6e-5, tolerance: 1e-3, audio: 'a.flac', reference: 'PyTorch', checked_at: '2026-01-01T00:00:00+00:00' };

describe('manifest self_check', () => {
  it('loads a bundle without a self_check and one whose check passed', async () => {
    await expect(loadManifest(bundleWith(undefined))).resolves.toBeTruthy();
    await expect(loadManifest(bundleWith(check))).resolves.toBeTruthy();
  });

  it('refuses a bundle whose check failed, naming the max abs diff and the tolerance', async () => {
    const failed = loadManifest(bundleWith({ ...check, passed: false, max_abs_diff: 0.25 }));
    await expect(failed).rejects.toMatchObject({ code: 'MODEL_UNAVAILABLE' });
    await expect(failed).rejects.toThrow(/self-check failed \(max abs diff of log-probs 0\.25 > tolerance 0\.001/);
  });

  it('refuses a failed check with its detail instead of a diff', async () => {
    const failed = loadManifest(bundleWith({ ...check, passed: false, detail: 'shape mismatch: original (3, 10)' }));
    await expect(failed).rejects.toThrow(/self-check failed \(shape mismatch: original \(3, 10\)/);
  });

  it('is strict: an unknown key or a missing figure is an error', async () => {
    await expect(loadManifest(bundleWith({ ...check, extra: 1 }))).rejects.toThrow(/self_check/);
    const { tolerance: _t, ...noTolerance } = check;
    await expect(loadManifest(bundleWith(noTolerance))).rejects.toThrow(/self_check\.tolerance/);
  });

  it('self_check_fp16: a failed fp16 check refuses precision fp16 only, naming the figures; fp32 still loads', async () => {
    const dir = bundleWith(check, {
      model_fp16: JSON.parse(readFileSync(join(plumbing, 'manifest.json'), 'utf8')).model,
      self_check_fp16: { ...check, passed: false, max_abs_diff: 0.3, tolerance: 0.05, reference: 'transformers in float16' },
    });
    await expect(load(dir, { precision: 'fp16' })).rejects.toMatchObject({ code: 'MODEL_UNAVAILABLE' });
    await expect(load(dir, { precision: 'fp16' })).rejects.toThrow(/fp16 self-check failed \(max abs diff of log-probs 0\.3 > tolerance 0\.05/);
    await expect(load(dir, { precision: 'fp32' })).resolves.toBeTruthy();
  });

  it('self_check_fp16: a passed fp16 check loads precision fp16', async () => {
    const dir = bundleWith(check, {
      model_fp16: JSON.parse(readFileSync(join(plumbing, 'manifest.json'), 'utf8')).model,
      self_check_fp16: { ...check, tolerance: 0.05 },
    });
    await expect(load(dir, { precision: 'fp16' })).resolves.toBeTruthy();
  });
});
