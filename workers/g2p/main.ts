// The ipa-generation worker: node dist/workers/g2p/main.js [--test-input JSON | --serve ...]
import { fetchAudio } from '../../lib/fetch-audio.js';
import { generateIpa } from '../../lib/g2p.js';
import { startWorker } from '../runtime/start.js';
import { loadEngineFromEnv } from '../shared/engine-from-env.js';
import { createG2pHandler } from './handler.js';

startWorker({
  name: 'g2p',
  async createHandler({ env, log }) {
    // The engine serves generateIpa's audio-informed path (audio_uri).
    const { engine, maxBytes } = await loadEngineFromEnv(env, log);
    return createG2pHandler({ generateIpa, engine, fetchAudio: (uri, { signal }) => fetchAudio(uri, { maxBytes, signal, env }) });
  },
});
