// The job-done body for a job's outcome (facts: runpod-python rp_job.py, rp_http.py).
// Success: {"output": <handler object minus error/refresh_worker>}, with "stopPod": true when the
// worker is to be replaced. Failure: {"error": "<string>"}: always a string (a non-string error
// was reported to end COMPLETED without output, runpod-python#299). The string is JSON holding the
// contract's error {code, message, details} at its top level, so callers JSON.parse it and read
// .code, and also runpod-python's fields (error_type, error_message, error_traceback, hostname,
// worker_id, runpod_version) for RunPod's console, with error_type = code, error_message = message.
import { hostname } from 'node:os';
import { EngineError } from '../../lib/index.js';
import { PROTOCOL_VERSION } from './config.js';

/** Larger job-done bodies are refused by the platform with a 4xx and the result is lost (~20 MB). */
export const MAX_JOB_DONE_BYTES = 20_000_000;

export function errorString(error: EngineError, workerId: string, traceback?: string): string {
  const contract = error.toJSON();
  return JSON.stringify({
    ...contract,
    error_type: contract.code,
    error_message: contract.message,
    ...(traceback ? { error_traceback: traceback } : {}),
    hostname: hostname(),
    worker_id: workerId,
    runpod_version: PROTOCOL_VERSION,
  });
}

export interface JobDoneBody {
  output?: unknown;
  error?: string;
  stopPod?: true;
}

export function successBody(output: unknown, stopPod: boolean): JobDoneBody {
  return stopPod ? { output, stopPod: true } : { output };
}

export function errorBody(error: EngineError, workerId: string, options: { stopPod?: boolean; traceback?: string } = {}): JobDoneBody {
  const body: JobDoneBody = { error: errorString(error, workerId, options.traceback) };
  if (options.stopPod) body.stopPod = true;
  return body;
}

/** Serializes a job-done body; an output too large for the platform becomes an error instead of being lost. */
export function serializeJobDone(body: JobDoneBody, workerId: string): string {
  const text = JSON.stringify(body);
  if (Buffer.byteLength(text) <= MAX_JOB_DONE_BYTES) return text;
  const error = new EngineError('INTERNAL', `The job's output is ${Math.round(Buffer.byteLength(text) / 1e6)} MB, over the platform's ~20 MB limit for results`);
  return JSON.stringify(errorBody(error, workerId, { stopPod: body.stopPod === true }));
}
