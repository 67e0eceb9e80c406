// One-shot local run, as runpod-python's --test_input / test_input.json: the payload is
// {"input": {...}} (optionally "id"); prints the job's status response as JSON on stdout
// ({"id","status":"COMPLETED","output"} or {"id","status":"FAILED","error"}) and returns the exit
// code: 0 when the job completed, 1 otherwise.
import { errorString } from './job-result.js';
import { runJob, type RunJobOptions } from './job-runner.js';
import type { Logger } from './log.js';
import type { Handler } from './types.js';

export const LOCAL_TEST_JOB_ID = 'local_test';

export async function runTestInput(
  handler: Handler,
  payloadText: string,
  options: { log: Logger; write: (text: string) => void; isFatal?: RunJobOptions['isFatal'] },
): Promise<number> {
  let payload: unknown;
  try {
    payload = JSON.parse(payloadText);
  } catch (error) {
    options.log.error('the test input is not JSON; expected {"input": {...}}', { problem: (error as Error).message });
    return 1;
  }
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload) || !('input' in payload)) {
    options.log.error('the test input must be a JSON object with an "input" field: {"input": {...}}');
    return 1;
  }
  const given = (payload as { id?: unknown }).id;
  const id = typeof given === 'string' && given !== '' ? given : LOCAL_TEST_JOB_ID;
  const log = options.log.forJob(id);
  const outcome = await runJob(handler, { id, input: (payload as { input: unknown }).input }, { signal: new AbortController().signal, log, isFatal: options.isFatal });
  if (outcome.kind === 'output') {
    options.write(`${JSON.stringify({ id, status: 'COMPLETED', output: outcome.output })}\n`);
    return 0;
  }
  const error = outcome.kind === 'error' ? errorString(outcome.error, 'local', outcome.traceback) : String(outcome.reason);
  options.write(`${JSON.stringify({ id, status: 'FAILED', error })}\n`);
  return 1;
}
