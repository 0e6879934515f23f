import type { Request, Router } from 'express';
import { AppError } from '../../errors/app-error.js';
import { credentialOf, requestInfo } from '../authenticator.js';
import type { FuAuthDeps } from '../fu-auth-deps.js';
import type { UpdateDict } from '../hooks.js';
import { keptSessions } from '../../sessions/carried-credentials.js';
import { bodyInput, jsonBody, modelBody } from '../http/request-body.js';
import { sendJson, userRead } from '../http/send.js';
import type { FuUser } from '../store/user-store.js';
import { parseId } from '../validation/parse-id.js';
import { userUpdate, type UserUpdateInput } from '../validation/schemas.js';

/**
 * The users router. Precedence is upstream's: authentication (401 → 403) runs first, then the
 * `{id}` lookup (404, also for ids that do not parse), then body validation (422), then the rules
 * (400). `/me` routes come first, so `DELETE /users/me` reaches `/{id}` with id "me".
 * @see https://github.com/fastapi-users/fastapi-users/blob/master/fastapi_users/router/users.py
 */
export function addUserRoutes(router: Router, deps: FuAuthDeps): void {
  const verified = deps.requiresVerification;
  const current = deps.authenticator.current({ verified });
  const superuser = deps.authenticator.current({ verified, superuser: true });

  const target = async (req: Request): Promise<FuUser> => {
    const id = parseId(req.params.id);
    const user = id ? await deps.store().getById(id) : null;
    if (!user) throw new AppError('NOT_FOUND');
    return user;
  };

  /** The session credentials of the request: a credential change leaves them alone. */
  const keep = (req: Request) => keptSessions(deps.readCredentials(req));

  router.get('/users/me', current, (req, res) => {
    const { user } = credentialOf(req);
    deps.routeClaims.refresh(req, res, user.email);
    sendJson(res, 200, userRead(user));
  });

  const updateBody = (req: Request): UserUpdateInput => {
    const body = modelBody(userUpdate, bodyInput(req));
    if (deps.patchNullFields === 'reject') rejectNulls(body);
    return body;
  };

  router.patch('/users/me', ...jsonBody(), current, async (req, res) => {
    const update = updateDict(updateBody(req), { safe: true });
    const user = await deps.manager.update(
      credentialOf(req).user,
      update,
      requestInfo(req),
      keep(req),
    );
    deps.routeClaims.refresh(req, res, user.email);
    sendJson(res, 200, userRead(user));
  });

  router.get('/users/:id', superuser, async (req, res) => {
    sendJson(res, 200, userRead(await target(req)));
  });

  router.patch('/users/:id', ...jsonBody(), superuser, async (req, res) => {
    const user = await target(req);
    const update = updateDict(updateBody(req), { safe: false });
    const updated = await deps.manager.update(user, update, requestInfo(req), keep(req));
    sendJson(res, 200, userRead(updated));
  });

  router.delete('/users/:id', superuser, async (req, res) => {
    await deps.manager.delete(await target(req), requestInfo(req));
    res.status(204).end();
  });
}

/**
 * `create_update_dict()` (safe: no flags) or `create_update_dict_superuser()`: only keys that were
 * sent. An explicit null counts as not sent — upstream answers 500 for a null e-mail or flag (a
 * NOT NULL violation), and the contract recommends this instead.
 */
export function updateDict(body: UserUpdateInput, { safe }: { safe: boolean }): UpdateDict {
  const dict: UpdateDict = {};
  if (body.password != null) dict.password = body.password;
  if (body.email != null) dict.email = body.email;
  if (safe) return dict;
  if (body.is_active != null) dict.is_active = body.is_active;
  if (body.is_superuser != null) dict.is_superuser = body.is_superuser;
  if (body.is_verified != null) dict.is_verified = body.is_verified;
  return dict;
}

/** The type errors pydantic would give if the fields were not Optional (FU_PATCH_NULL_FIELDS=reject). */
const NOT_NULL: Record<string, { type: string; msg: string }> = {
  email: { type: 'string_type', msg: 'Input should be a valid string' },
  is_active: { type: 'bool_type', msg: 'Input should be a valid boolean' },
  is_superuser: { type: 'bool_type', msg: 'Input should be a valid boolean' },
  is_verified: { type: 'bool_type', msg: 'Input should be a valid boolean' },
};

function rejectNulls(body: UserUpdateInput): void {
  const issues = Object.entries(NOT_NULL)
    .filter(([field]) => body[field as keyof UserUpdateInput] === null)
    .map(([field, issue]) => ({ ...issue, loc: ['body', field], input: null }));
  if (issues.length > 0) throw new AppError('VALIDATION_FAILED', { issues });
}
