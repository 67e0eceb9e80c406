// The ipa-generation worker: node dist/workers/g2p/main.js [--test-input JSON | --serve ...]
import { fetchAudio, generateIpa } from '../../lib/index.js';
import { startWorker } from '../runtime/start.js';
import { fetchOptionsFromEnv } from '../shared/audio-from-env.js';
import { loadEngineFromEnv } from '../shared/engine-from-env.js';
import { createG2pHandler } from './handler.js';

startWorker({
  name: 'g2p',
  async createHandler({ env, log }) {
    // The engine serves generateIpa's audio-informed path (audio_uri).
    const { engine, maxBytes } = await loadEngineFromEnv(env, log);
    const fetchOptions = fetchOptionsFromEnv(env);
    return createG2pHandler({ generateIpa, engine, fetchAudio: (uri, { signal }) => fetchAudio(uri, { ...fetchOptions, maxBytes, signal }) });
  },
});
