// A job's optional self-check, `expect` (an addition to the contract's input): what the result
// of a known recording must be. A deployment test (.runpod/tests.json) states that a recording
// scores high against its own sentence and low against another; a result outside the
// expectation fails the job (INTERNAL, naming the figures), so a broken image or a model that
// scores everything alike cannot pass as a completed job.
import { z } from 'zod';
import { EngineError, type AssessmentResult } from '../../lib/index.js';

export const expectSchema = z.strictObject(
  {
    min_score: z.number().min(0).max(1).optional(),
    max_score: z.number().min(0).max(1).optional(),
    /** Exactly these flags (order ignored); [] means none. */
    flags: z.array(z.string()).optional(),
  },
  { error: 'expect must be an object: {"min_score"?, "max_score"?, "flags"?}' },
);

export type Expectation = z.infer<typeof expectSchema>;

/** Throws INTERNAL, naming every unmet part, when the result is outside the expectation. */
export function checkExpectation(result: AssessmentResult, expect: Expectation | undefined): void {
  if (!expect) return;
  const unmet: string[] = [];
  if (expect.min_score !== undefined && !(result.score >= expect.min_score)) unmet.push(`score ${result.score} < min_score ${expect.min_score}`);
  if (expect.max_score !== undefined && !(result.score <= expect.max_score)) unmet.push(`score ${result.score} > max_score ${expect.max_score}`);
  if (expect.flags !== undefined && [...result.flags].sort().join(',') !== [...expect.flags].sort().join(',')) {
    unmet.push(`flags [${result.flags.join(', ')}] are not [${expect.flags.join(', ')}]`);
  }
  if (unmet.length > 0) {
    throw new EngineError('INTERNAL', `The result is not what the job's expect says (a deployment self-check): ${unmet.join('; ')}`, {
      expect,
      score: result.score,
      flags: result.flags,
    });
  }
}
