import type { Response } from 'express';
import type { AppError } from '../errors/app-error.js';
import { fuErrorBody as renderBody } from '../lib/contracts/fu-error-body.js';
import { sendJson } from './http/send.js';

/**
 * The `/fu_auth` wire format: `{"detail": …}`, rendered by the pure builder in src/lib/contracts
 * (shared with the proxy). Pinned by test/unit/fu-auth/render-error.
 */
export const fuErrorBody = (error: AppError) => renderBody(error);

export function renderFuError(error: AppError, res: Response): void {
  const { status, body } = fuErrorBody(error);
  sendJson(res, status, body);
}
