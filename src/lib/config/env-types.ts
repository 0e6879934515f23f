import { z } from 'zod';

/** Small zod building blocks for environment variables (strings in, typed values out). */
export const port = (fallback: number) =>
  z.coerce
    .number({ error: 'must be a TCP port number' })
    .int('must be an integer port')
    .min(0, 'must be between 0 and 65535')
    .max(65535, 'must be between 0 and 65535')
    .default(fallback);

export const positiveInt = (fallback: number) =>
  z.coerce
    .number({ error: 'must be a positive integer' })
    .int('must be an integer')
    .positive('must be greater than 0')
    .default(fallback);

export const boolFlag = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'], {
      error: 'must be one of true/false, 1/0, yes/no, on/off',
    })
    .default(fallback ? 'true' : 'false')
    .transform((v) => ['true', '1', 'yes', 'on'].includes(v));

/** A boolean flag whose default depends on other settings: unset stays `undefined`. */
export const optionalBoolFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'], {
    error: 'must be one of true/false, 1/0, yes/no, on/off',
  })
  .optional()
  .transform((v) => (v === undefined ? undefined : ['true', '1', 'yes', 'on'].includes(v)));

/** A URL whose scheme is one of `schemes` (e.g. ['postgres', 'postgresql']). */
export const url = (schemes: readonly string[]) =>
  z
    .string()
    .refine((v) => URL.canParse(v) && schemes.includes(new URL(v).protocol.replace(/:$/, '')), {
      error: `must be a ${schemes.map((s) => `${s}://`).join(' or ')} URL`,
    });

export const logLevel = z
  .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
    error: 'must be one of fatal, error, warn, info, debug, trace, silent',
  })
  .default('info');

export const nodeEnv = z
  .enum(['development', 'test', 'production'], {
    error: 'must be development, test or production',
  })
  .default('development');

/** A rate-limit rule written `MAX/SECONDS`, e.g. `300/60` = at most 300 per 60-second window. */
export const rateRule = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((value, ctx) => {
      const match = /^(\d+)\/(\d+)$/.exec(value.trim());
      const max = Number(match?.[1]);
      const windowSeconds = Number(match?.[2]);
      if (!match || max < 1 || windowSeconds < 1) {
        ctx.addIssue({
          code: 'custom',
          message: 'must be MAX/SECONDS with both above 0, e.g. 300/60',
        });
        return z.NEVER;
      }
      return { max, windowSeconds };
    });
