// One-shot local run, as runpod-python's --test_input / test_input.json: the payload is
// {"input": {...}} (optionally "id"); prints the job's status response as JSON on stdout
// ({"id","status":"COMPLETED","output"} or {"id","status":"FAILED","error"}) and returns the exit
// code: 0 when the job completed, 1 otherwise.
import { errorString } from './job-result.js';
import { runJob, type RunJobOptions } from './job-runner.js';
import type { Logger } from './log.js';
import type { Handler } from './types.js';

export const LOCAL_TEST_JOB_ID = 'local_test';

export interface TestPayload {
  id: string;
  input: unknown;
}

/** Parses {"input": ..., "id"?: ...}; throws an Error that says what is expected. */
export function parseTestPayload(text: string): TestPayload {
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch (error) {
    throw new Error(`The test input is not JSON (${(error as Error).message}); expected {"input": {...}}`);
  }
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload) || !('input' in payload)) {
    throw new Error('The test input must be a JSON object with an "input" field: {"input": {...}}');
  }
  const given = (payload as { id?: unknown }).id;
  return { id: typeof given === 'string' && given !== '' ? given : LOCAL_TEST_JOB_ID, input: (payload as { input: unknown }).input };
}

export async function runTestInput(
  handler: Handler,
  payload: TestPayload,
  options: { log: Logger; write: (text: string) => void; isFatal?: RunJobOptions['isFatal'] },
): Promise<number> {
  const { id, input } = payload;
  const log = options.log.forJob(id);
  const outcome = await runJob(handler, { id, input }, { signal: new AbortController().signal, log, isFatal: options.isFatal });
  if (outcome.kind === 'output') {
    options.write(`${JSON.stringify({ id, status: 'COMPLETED', output: outcome.output })}\n`);
    return 0;
  }
  const error = outcome.kind === 'error' ? errorString(outcome.error, 'local', outcome.traceback) : String(outcome.reason);
  options.write(`${JSON.stringify({ id, status: 'FAILED', error })}\n`);
  return 1;
}
