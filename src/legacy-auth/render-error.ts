import type { Response } from 'express';
import type { AppError } from '../errors/app-error.js';
import { legacyErrorBody as renderBody } from '../lib/contracts/legacy-error-body.js';

/**
 * The legacy wire format: `{"error": "<code>"}` (+ `fields` on 422), rendered by the pure
 * builder in src/lib/contracts (shared with the proxy). Pinned by tests: existing clients parse
 * exactly these strings (docs/design/contracts/legacy.md).
 */
export { legacyFields } from '../lib/contracts/legacy-error-body.js';

export const legacyErrorBody = (error: AppError) => renderBody(error);

export function renderLegacyError(error: AppError, res: Response): void {
  const { status, body } = legacyErrorBody(error);
  res.status(status).json(body);
}
