// The assessment worker: node dist/workers/assess/main.js [--test-input JSON | --serve ...]
// The model is loaded once, here, before any job (see ../shared/engine-from-env.ts for the env).
import { fetchAudio } from '../../lib/fetch-audio.js';
import { generateIpa } from '../../lib/g2p.js';
import { startWorker } from '../runtime/start.js';
import { loadEngineFromEnv } from '../shared/engine-from-env.js';
import { createAssessHandler } from './handler.js';

startWorker({
  name: 'assess',
  async createHandler({ env, log }) {
    const { engine, maxBytes } = await loadEngineFromEnv(env, log);
    return createAssessHandler({ engine, maxBytes, generateIpa, fetchAudio: (uri, { signal }) => fetchAudio(uri, { maxBytes, signal, env }) });
  },
});
