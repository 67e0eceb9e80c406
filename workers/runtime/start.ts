// A worker's entry point: builds the handler once (model loading happens here, outside any job),
// then runs in one of three modes:
//   --test-input '<json>'  (or ./test_input.json when no mode is given): one job, printed; exit 1 on error
//   --serve [--port N] [--host H] [--concurrency N]: the local RunPod-compatible server
//   RUNPOD_WEBHOOK_GET_JOB set: the platform worker loop
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { platformConfigFromEnv, workerSettingsFromEnv } from './config.js';
import type { RunJobOptions } from './job-runner.js';
import { LocalQueue } from './local-queue.js';
import { createLocalServer } from './local-server.js';
import { parseTestPayload, runTestInput, type TestPayload } from './local-test.js';
import { createLogger, logLevelFromEnv, type Logger } from './log.js';
import { PlatformWorker } from './platform-worker.js';
import type { Handler } from './types.js';

export interface WorkerDefinition {
  name: string;
  /** Called once at start; loads what every job needs (the model). */
  createHandler(context: { env: NodeJS.ProcessEnv; log: Logger }): Promise<Handler>;
  isFatal?: RunJobOptions['isFatal'];
}

const usage = (name: string) => `Usage: node dist/workers/${name}/main.js [mode]
  (no flags)                 run the RunPod worker loop when RUNPOD_WEBHOOK_GET_JOB is set,
                             else run ./test_input.json once if it exists
  --test-input '<json>'      run one job {"input": {...}}, print its result; exit 1 on error
  --serve [--port 8000] [--host 127.0.0.1]
                             serve RunPod's endpoint API locally at http://HOST:PORT/v2/<endpoint>/
  --concurrency N            jobs run at once (default: WORKER_CONCURRENCY or 1)`;

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    options: {
      'test-input': { type: 'string' },
      serve: { type: 'boolean', default: false },
      port: { type: 'string' },
      host: { type: 'string' },
      concurrency: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  }).values;
}

async function serve(handler: Handler, def: WorkerDefinition, options: { port: number; host: string; concurrency: number; graceMs: number; log: Logger }): Promise<number> {
  const { log } = options;
  const queue = new LocalQueue(handler, { concurrency: options.concurrency, log, isFatal: def.isFatal });
  const server = createLocalServer(queue, log);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, resolve);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  log.info('local server listening', { port, host: options.host, base_url: `http://${host}:${port}/v2`, concurrency: options.concurrency });
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      log.info('local server stopping: queued jobs are cancelled, running ones finish and are answered', { signal, grace_ms: options.graceMs });
      void server.shutdown(options.graceMs).then(resolve);
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  log.info('local server stopped');
  return 0;
}

async function main(def: WorkerDefinition, argv: string[], env: NodeJS.ProcessEnv, log: Logger): Promise<number> {
  let args;
  try {
    args = parse(argv);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${usage(def.name)}\n`);
    return 1;
  }
  if (args.help) {
    process.stdout.write(`${usage(def.name)}\n`);
    return 0;
  }
  const settings = workerSettingsFromEnv(env, args.concurrency);
  const port = args.port === undefined ? 8000 : Number(args.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a port number, not "${args.port}"`);
  const platform = args['test-input'] === undefined && !args.serve ? platformConfigFromEnv(env) : undefined;
  let testInput = args['test-input'];
  if (testInput === undefined && !args.serve && !platform) {
    if (!existsSync('test_input.json')) {
      process.stderr.write(`Nothing to do: no RUNPOD_WEBHOOK_GET_JOB, no --test-input or --serve, no ./test_input.json.\n${usage(def.name)}\n`);
      return 1;
    }
    testInput = readFileSync('test_input.json', 'utf8');
    log.info('running ./test_input.json');
  }

  let testPayload: TestPayload | undefined;
  if (testInput !== undefined) {
    try {
      testPayload = parseTestPayload(testInput);
    } catch (error) {
      process.stderr.write(`${(error as Error).message}\n`);
      return 1;
    }
  }
  const loadStarted = performance.now();
  const handler = await def.createHandler({ env, log });
  log.info('worker ready', { worker: def.name, load_ms: Math.round(performance.now() - loadStarted) });

  if (testPayload !== undefined) return runTestInput(handler, testPayload, { log, write: (text) => process.stdout.write(text), isFatal: def.isFatal });
  if (args.serve) {
    return serve(handler, def, { port, host: args.host ?? '127.0.0.1', concurrency: settings.concurrency, graceMs: settings.shutdownGraceMs, log });
  }
  const worker = new PlatformWorker({ handler, config: platform!, settings, log, isFatal: def.isFatal });
  process.once('SIGTERM', () => worker.shutdown('SIGTERM'));
  process.once('SIGINT', () => worker.shutdown('SIGINT'));
  return worker.run();
}

/** Runs the worker and exits the process with its exit code. */
export function startWorker(def: WorkerDefinition, argv: string[] = process.argv.slice(2), env: NodeJS.ProcessEnv = process.env): void {
  const log = createLogger({ level: logLevelFromEnv(env) });
  process.on('unhandledRejection', (reason) => log.error('unhandled promise rejection', { problem: String((reason as Error)?.stack ?? reason) }));
  main(def, argv, env, log).then(
    (code) => process.exit(code),
    (error: unknown) => {
      log.error('worker failed to start', { problem: (error as Error)?.message ?? String(error), code: (error as { code?: string })?.code });
      process.exit(1);
    },
  );
}
