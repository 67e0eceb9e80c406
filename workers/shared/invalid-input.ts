// Turns a zod validation failure into the contract's INVALID_INPUT error, with messages that say
// what was wrong and what would be accepted.
import type { z } from 'zod';
import { EngineError } from '../../lib/index.js';

/** The fields each object of an input accepts, by path ('' for the top level). */
export type AcceptedFields = Record<string, readonly string[]>;

export function invalidInput(error: z.ZodError, accepted: AcceptedFields, example: string): EngineError {
  const issues = error.issues.map((issue) => {
    const path = issue.path.join('.');
    if (issue.code === 'unrecognized_keys') {
      const fields = accepted[path] ?? [];
      const where = path ? `in ${path}` : 'in the input';
      return { path: path || '(input)', message: `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')} ${where}; accepted: ${fields.join(', ')}` };
    }
    return { path: path || '(input)', message: issue.message };
  });
  const message = `Invalid input: ${issues.map((i) => (i.path === '(input)' ? i.message : `${i.path}: ${i.message}`)).join('; ')}. Example of a valid input: ${example}`;
  return new EngineError('INVALID_INPUT', message, { issues });
}
