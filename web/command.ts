// `pronunciation-engine web`: loads the engine as the workers do (MODEL_DIR or --model,
// EXECUTION_PROVIDER or --provider, AUDIO_MAX_BYTES, AUDIO_MAX_DURATION_SEC), serves the page on
// 127.0.0.1 (another address only when asked, with a warning) and runs until SIGINT or SIGTERM.
import { EngineError, generateIpa } from '../lib/index.js';
import { createLogger } from '../workers/runtime/log.js';
import { loadEngineFromEnv } from '../workers/shared/engine-from-env.js';
import { isLoopbackHost, startWebServer } from './server.js';

export const DEFAULT_PORT = 8080;
export const DEFAULT_HOST = '127.0.0.1';

export interface WebCommandOptions {
  port?: string;
  host?: string;
  model?: string;
  provider?: string;
}

function parsePort(text: string | undefined): number {
  if (text === undefined) return DEFAULT_PORT;
  const port = Number(text);
  if (!(Number.isInteger(port) && port >= 0 && port <= 65535)) throw new EngineError('INVALID_INPUT', `--port must be a port number (0-65535; 0 picks a free one), not "${text}"`);
  return port;
}

export async function webCommand(options: WebCommandOptions): Promise<number> {
  const port = parsePort(options.port);
  const host = options.host ?? DEFAULT_HOST;
  const env = { ...process.env };
  if (options.model !== undefined) env.MODEL_DIR = options.model;
  if (options.provider !== undefined) env.EXECUTION_PROVIDER = options.provider;
  const log = createLogger();
  const { engine, maxBytes, maxDurationSec } = await loadEngineFromEnv(env, log);
  if (!isLoopbackHost(host)) {
    process.stderr.write(
      `WARNING: serving on ${host}, not only this machine's loopback: anyone who can reach it can use the engine and send it recordings; there is no authentication.\n`,
    );
  }
  let running;
  try {
    running = await startWebServer({ engine, generateIpa, maxBytes, maxDurationSec, host, port, log });
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'EADDRINUSE') throw new EngineError('INVALID_INPUT', `Port ${port} on ${host} is in use; pick another with --port`);
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') throw new EngineError('INVALID_INPUT', `Cannot listen on ${host}: not an address of this machine`);
    throw error;
  }
  const server = running;
  // The handlers go in before the address is printed: whoever reads it may stop the server at once.
  const stopped = new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      void server.close().then(resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  process.stdout.write(`Pronunciation page: ${server.url} (model ${engine.manifest.name}; Ctrl+C stops)\n`);
  await stopped;
  return 0;
}
