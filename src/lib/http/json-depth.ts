/**
 * Whether JSON text nests arrays/objects deeper than `limit`, decided in one pass over the text
 * before it is parsed, so a 5000-deep array never becomes 5000 nested objects for a validator or
 * renderer to recurse through. Brackets inside strings do not count; the text need not be valid
 * JSON (JSON.parse judges that afterwards).
 */
export function jsonDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: the next character is escaped
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}
