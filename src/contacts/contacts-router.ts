import express, { type Router } from 'express';
import { z } from 'zod';
import validator from 'validator';
import { AppError } from '../errors/app-error.js';
import { parseInput } from '../middleware/validate.js';
import type { ApiPrincipal } from '../api/api-auth.js';
import { storedText } from '../lib/validation/stored-text.js';
import type { ContactRepository, ContactScope } from './contact-repository.js';

const optionalText = (max: number) =>
  storedText(z.string().max(max))
    .nullish()
    .transform((v) => v ?? null);

const contactBody = z.object({
  name: storedText(z.string().trim().min(1).max(255)),
  // validator.isEmail refuses a NUL character.
  email: z
    .string()
    .max(255)
    .refine((v) => validator.isEmail(v), {
      message: 'invalid e-mail',
      params: { type: 'email_invalid' },
    })
    .nullish()
    .transform((v) => v ?? null),
  phone: optionalText(64),
  company: optionalText(255),
  notes: optionalText(10_000),
});

const scopeOf = (principal: ApiPrincipal): ContactScope => ({
  ownerId: principal.legacyUserId,
  all: principal.role === 'admin',
});

/** A malformed id names no contact: 404, like a missing one. */
function contactId(raw: string | string[] | undefined): number {
  const id = typeof raw === 'string' && /^[1-9][0-9]{0,9}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(id) || id > 2_147_483_647) throw new AppError('NOT_FOUND');
  return id;
}

/** `GET /api/contacts`' body (also served by src/hot-paths). */
export async function listBody(contacts: ContactRepository, principal: ApiPrincipal) {
  return { contacts: await contacts.list(scopeOf(principal)) };
}

/** `/api/contacts`: the same code whichever engine logged the caller in. */
export function createContactsRouter(contacts: ContactRepository): Router {
  const router = express.Router();

  router.get('/', async (req, res) => {
    res.json(await listBody(contacts, req.principal!));
  });

  router.post('/', async (req, res) => {
    const body = parseInput(contactBody, req.body ?? {});
    res.status(201).json({ contact: await contacts.create(req.principal!.legacyUserId, body) });
  });

  router.get('/:id', async (req, res) => {
    const contact = await contacts.get(scopeOf(req.principal!), contactId(req.params.id));
    if (!contact) throw new AppError('NOT_FOUND');
    res.json({ contact });
  });

  router.put('/:id', async (req, res) => {
    const id = contactId(req.params.id);
    const scope = scopeOf(req.principal!);
    if (!(await contacts.get(scope, id))) throw new AppError('NOT_FOUND');
    const contact = await contacts.update(scope, id, parseInput(contactBody, req.body ?? {}));
    if (!contact) throw new AppError('NOT_FOUND');
    res.json({ contact });
  });

  router.delete('/:id', async (req, res) => {
    if (!(await contacts.remove(scopeOf(req.principal!), contactId(req.params.id))))
      throw new AppError('NOT_FOUND');
    res.status(204).end();
  });

  return router;
}
