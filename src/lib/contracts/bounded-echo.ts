/**
 * What a 422 may echo of the client's input. pydantic echoes the whole offending value (`input`);
 * here the echo is cut to a fixed budget, so a validation error can never be larger, or nest
 * deeper, than this however big the request was (a 16 KiB text body, a 10 000-character e-mail).
 * A cut string ends in `…`; a cut array ends with the element `"…"`, a cut object with the key
 * `"…"`. Small inputs (every realistic one) are echoed unchanged, as pydantic does.
 */
export const ECHO_BUDGET_CHARS = 1024;
export const ECHO_MAX_DEPTH = 8;
export const CUT = '…';

interface Budget {
  left: number;
}

/** `value` within ECHO_BUDGET_CHARS characters (strings and keys; 1 per scalar or entry). */
export function boundedEcho(value: unknown, budget: Budget = { left: ECHO_BUDGET_CHARS }): unknown {
  return bounded(value, budget, 0);
}

function bounded(value: unknown, budget: Budget, depth: number): unknown {
  if (typeof value === 'string') return boundedString(value, budget);
  if (value === null || typeof value !== 'object') {
    budget.left -= 1;
    return value;
  }
  if (depth >= ECHO_MAX_DEPTH || budget.left <= 0) return CUT;
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const item of value as unknown[]) {
      if (budget.left <= 0) {
        out.push(CUT);
        break;
      }
      budget.left -= 1;
      out.push(bounded(item, budget, depth + 1));
    }
    return out;
  }
  // No prototype: a `__proto__` key from JSON.parse stays an ordinary key.
  const out = Object.create(null) as Record<string, unknown>;
  for (const [key, item] of Object.entries(value)) {
    if (budget.left <= 0) {
      out[CUT] = CUT;
      break;
    }
    budget.left -= 1 + key.length;
    out[boundedString(key, { left: ECHO_BUDGET_CHARS })] = bounded(item, budget, depth + 1);
  }
  return out;
}

function boundedString(value: string, budget: Budget): string {
  if (value.length <= budget.left) {
    budget.left -= value.length;
    return value;
  }
  let end = Math.max(budget.left, 0);
  // Never split a surrogate pair.
  const last = value.charCodeAt(end - 1);
  if (end > 0 && last >= 0xd800 && last <= 0xdbff) end -= 1;
  budget.left = 0;
  return `${value.slice(0, end)}${CUT}`;
}
