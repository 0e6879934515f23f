import type { RequestHandler } from 'express';
import { AppError } from '../errors/app-error.js';

export const requireLogin: RequestHandler = (req, _res, next) => {
  next(req.isAuthenticated() ? undefined : new AppError('NOT_AUTHENTICATED'));
};
