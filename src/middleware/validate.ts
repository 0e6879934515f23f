import type { z } from 'zod';
import { AppError, type ValidationIssue } from '../errors/app-error.js';

/**
 * Parses `input` with a zod schema, or throws VALIDATION_FAILED carrying pydantic-shaped issues
 * (`{type, loc, msg, input}`), which each surface renders in its own format.
 */
export function parseInput<S extends z.ZodType>(
  schema: S,
  input: unknown,
  location: 'body' | 'query' | 'path' = 'body',
): z.output<S> {
  const result = schema.safeParse(input, { reportInput: true });
  if (result.success) return result.data;
  throw new AppError('VALIDATION_FAILED', {
    issues: result.error.issues.map((issue) => toValidationIssue(issue, location)),
  });
}

type ZodIssue = z.core.$ZodIssue;

export function toValidationIssue(issue: ZodIssue, location: string): ValidationIssue {
  const loc = [location, ...issue.path.map((p) => (typeof p === 'number' ? p : String(p)))];
  const input = 'input' in issue ? issue.input : undefined;
  const base = { loc, input: input === undefined ? {} : input };
  switch (issue.code) {
    case 'invalid_type':
      if (input === undefined) return { ...base, type: 'missing', msg: 'Field required' };
      return { ...base, ...typeMessage(issue.expected) };
    case 'too_small':
      if (issue.origin === 'string') {
        return {
          ...base,
          type: 'string_too_short',
          msg: `String should have at least ${String(issue.minimum)} character${issue.minimum === 1 ? '' : 's'}`,
          ctx: { min_length: Number(issue.minimum) },
        };
      }
      return {
        ...base,
        type: 'greater_than_equal',
        msg: `Input should be greater than or equal to ${String(issue.minimum)}`,
        ctx: { ge: Number(issue.minimum) },
      };
    case 'too_big':
      if (issue.origin === 'string') {
        return {
          ...base,
          type: 'string_too_long',
          msg: `String should have at most ${String(issue.maximum)} characters`,
          ctx: { max_length: Number(issue.maximum) },
        };
      }
      return {
        ...base,
        type: 'less_than_equal',
        msg: `Input should be less than or equal to ${String(issue.maximum)}`,
        ctx: { le: Number(issue.maximum) },
      };
    case 'invalid_format':
      if (issue.format === 'regex' && 'pattern' in issue) {
        // zod reports the pattern as a regex literal (`/^x$/`); pydantic shows its source.
        const pattern = String(issue.pattern).replace(/^\/(.*)\/[a-z]*$/s, '$1');
        return {
          ...base,
          type: 'string_pattern_mismatch',
          msg: `String should match pattern '${pattern}'`,
          ctx: { pattern },
        };
      }
      return { ...base, type: 'value_error', msg: issue.message };
    case 'custom': {
      const params = (issue.params ?? {}) as { type?: string; ctx?: Record<string, unknown> };
      return {
        ...base,
        type: params.type ?? 'value_error',
        msg: issue.message,
        ...(params.ctx ? { ctx: params.ctx } : {}),
      };
    }
    default:
      return { ...base, type: 'value_error', msg: issue.message };
  }
}

function typeMessage(expected: string): { type: string; msg: string } {
  switch (expected) {
    case 'string':
      return { type: 'string_type', msg: 'Input should be a valid string' };
    case 'boolean':
      return { type: 'bool_parsing', msg: 'Input should be a valid boolean' };
    case 'number':
    case 'int':
      return { type: 'int_parsing', msg: 'Input should be a valid integer' };
    case 'object':
      return {
        type: 'model_attributes_type',
        msg: 'Input should be a valid dictionary or object to extract fields from',
      };
    default:
      return { type: `${expected}_type`, msg: `Input should be a valid ${expected}` };
  }
}
