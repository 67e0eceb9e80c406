// Cancellation and release: AbortSignal and timeoutMs on load/assess/recognize, engine.dispose().
// Real model (the plumbing bundle), real recording; the native work runs on the thread pool, so
// a cancelled call rejects at once and the engine stays usable.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { load, type Engine } from '../lib/engine.js';
import { rejection } from './helpers/outcomes.js';

const ROOT = join(__dirname, '..');
const MODEL = join(ROOT, 'models', 'plumbing');
const AUDIO = join(ROOT, 'examples', '001040067.flac');
const TARGET = 'leɪlə ɪz ɡʊd æt sɜːfɪŋ';

describe('AbortSignal and timeoutMs', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await load(MODEL);
  });
  afterAll(() => engine.dispose());

  it('an already aborted signal rejects with ABORTED, naming the reason, before any work', async () => {
    const controller = new AbortController();
    controller.abort('user left');
    const error = await rejection(engine.assess({ audio: AUDIO, targetIpa: TARGET }, { signal: controller.signal }));
    expect(error).toMatchObject({ code: 'ABORTED', details: { reason: 'user left' } });
    expect((await rejection(engine.recognize(AUDIO, { signal: controller.signal }))).code).toBe('ABORTED');
  });

  it('a signal aborted during the call rejects it with ABORTED, and the engine keeps working', async () => {
    const controller = new AbortController();
    const call = engine.assess({ audio: AUDIO, targetIpa: TARGET }, { signal: controller.signal });
    controller.abort();
    expect((await rejection(call)).code).toBe('ABORTED');
    const result = await engine.assess({ audio: AUDIO, targetIpa: TARGET }, { signal: new AbortController().signal });
    expect(result.phones.length).toBeGreaterThan(0);
  });

  it('timeoutMs rejects a call that takes longer with TIMEOUT; a generous one changes nothing', async () => {
    const slow = await rejection(engine.recognize(AUDIO, { timeoutMs: 1 }));
    expect(slow).toMatchObject({ code: 'TIMEOUT', details: { timeout_ms: 1 } });
    const plain = await engine.recognize(AUDIO);
    expect(await engine.recognize(AUDIO, { timeoutMs: 60_000 })).toEqual(plain);
  });

  it('load() takes signal and timeoutMs too', async () => {
    const controller = new AbortController();
    controller.abort();
    expect((await rejection(load(MODEL, { signal: controller.signal }))).code).toBe('ABORTED');
    expect((await rejection(load(MODEL, { timeoutMs: 0.001 }))).code).toBe('TIMEOUT');
    const loaded = await load(MODEL, { timeoutMs: 60_000 });
    await loaded.dispose();
  });

  it('bad options are INVALID_INPUT', async () => {
    expect((await rejection(engine.recognize(AUDIO, { timeoutMs: -1 }))).code).toBe('INVALID_INPUT');
    expect((await rejection(engine.recognize(AUDIO, { signal: {} as AbortSignal }))).code).toBe('INVALID_INPUT');
    expect((await rejection(load(MODEL, { timeoutMs: 0 }))).code).toBe('INVALID_INPUT');
  });
});

describe('engine.dispose()', () => {
  it('lets calls already made finish, then refuses new ones with MODEL_UNAVAILABLE', async () => {
    const engine = await load(MODEL);
    const running = [engine.assess({ audio: AUDIO, targetIpa: TARGET }), engine.recognize(AUDIO)];
    const disposed = engine.dispose();
    expect(engine.disposed).toBe(true);
    const [assessed, recognized] = await Promise.all(running);
    expect(assessed.phones.length).toBeGreaterThan(0);
    expect(recognized.duration_samples).toBe(80_000);
    await disposed;
    await engine.dispose(); // a second call is harmless
    for (const call of [engine.assess({ audio: AUDIO, targetIpa: TARGET }), engine.recognize(AUDIO), engine.logProbs(AUDIO)]) {
      expect((await rejection(call)).code).toBe('MODEL_UNAVAILABLE');
    }
  });
});
