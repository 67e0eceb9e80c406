// The ipa-generation worker: node dist/workers/g2p/main.js [--test-input JSON | --serve ...]
import { EngineError } from '../../lib/errors.js';
import { fetchAudio } from '../../lib/fetch-audio.js';
import { startWorker } from '../runtime/start.js';
import { loadEngineFromEnv } from '../shared/engine-from-env.js';
import { loadGenerateIpa } from './generate-ipa.js';
import { createG2pHandler } from './handler.js';

startWorker({
  name: 'g2p',
  async createHandler({ env, log }) {
    const generateIpa = await loadGenerateIpa();
    if (!generateIpa) throw new EngineError('MODEL_UNAVAILABLE', 'This build has no lib/g2p.js exporting generateIpa; the ipa-generation worker cannot run');
    // The engine serves generateIpa's audio-informed path (audio_uri).
    const { engine, maxBytes } = await loadEngineFromEnv(env, log);
    return createG2pHandler({ generateIpa, engine, fetchAudio: (uri, { signal }) => fetchAudio(uri, { maxBytes, signal, env }) });
  },
});
