import { z } from 'zod';

/**
 * Text that is stored in a PostgreSQL `text`/`varchar` column. PostgreSQL cannot hold a NUL
 * character (and Sequelize's escaping used to store it as the two characters `\0`), so a NUL is
 * refused as a validation error of that field instead of being altered or failing in the query.
 */
export const NUL_MESSAGE = 'Value error, the text contains a NUL character';

export function storedText(base: z.ZodString = z.string()): z.ZodString {
  return base.refine((value) => !value.includes('\u0000'), {
    message: NUL_MESSAGE,
    params: { type: 'value_error' },
    abort: true,
  });
}
