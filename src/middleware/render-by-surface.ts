import type { Response } from 'express';
import type { AppError } from '../errors/app-error.js';
import { renderFuError } from '../fu-auth/render-error.js';
import { renderLegacyError } from '../legacy-auth/render-error.js';
import { surfaceOf } from '../lib/contracts/surface.js';

/**
 * The app-wide error renderer: an error that reaches it (an unknown path, or one that escaped a
 * surface's own handler) is rendered in the format of the surface its path belongs to.
 */
export function renderBySurface(error: AppError, res: Response): void {
  const render = surfaceOf(res.req.originalUrl) === 'fu' ? renderFuError : renderLegacyError;
  render(error, res);
}
