/**
 * The one way to turn anything thrown into a line for a person: the message of an Error (the
 * driver's own words for a database error wrapped by the ORM), the text of anything else. Use it
 * instead of `(x as Error).message`, which prints `undefined` for a thrown string or object.
 */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) {
    const parent = (error as { parent?: unknown }).parent;
    const message = error.message || (parent instanceof Error ? parent.message : '');
    return message || error.name;
  }
  if (typeof error === 'string') return error;
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}
