// The assessment worker: node dist/workers/assess/main.js [--test-input JSON | --serve ...]
// The model is loaded once, here, before any job (see ../shared/engine-from-env.ts for the env).
import { fetchAudio, generateIpa } from '../../lib/index.js';
import { startWorker } from '../runtime/start.js';
import { fetchOptionsFromEnv } from '../shared/audio-from-env.js';
import { loadEngineFromEnv } from '../shared/engine-from-env.js';
import { createAssessHandler } from './handler.js';

startWorker({
  name: 'assess',
  async createHandler({ env, log }) {
    const { engine, maxBytes } = await loadEngineFromEnv(env, log);
    const fetchOptions = fetchOptionsFromEnv(env);
    return createAssessHandler({ engine, maxBytes, generateIpa, fetchAudio: (uri, { signal }) => fetchAudio(uri, { ...fetchOptions, maxBytes, signal }) });
  },
});
