import express, { type Router } from 'express';
import { z } from 'zod';
import { parseInput } from '../middleware/validate.js';
import { toLegacyPublicUser } from '../users/legacy-user.js';
import type { LegacyUserRepository } from '../users/legacy-user-repository.js';
import { requireAdmin } from './api-auth.js';

const listQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

/** `/api/admin/*`: role `admin` only, whichever engine logged the caller in. */
export function createAdminRouter(users: LegacyUserRepository): Router {
  const router = express.Router();
  router.get('/users', async (req, res) => {
    requireAdmin(req);
    const { limit, offset } = parseInput(listQuery, req.query, 'query');
    const { users: rows, total } = await users.list(limit, offset);
    res.json({ users: rows.map(toLegacyPublicUser), total });
  });
  return router;
}
