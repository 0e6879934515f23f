import type { FuUser } from './store/user-store.js';

/**
 * BaseUserManager's hooks, injected. They fire where and with what upstream fires them
 * (docs/design/contracts/fu_auth.md §5.7): never on logout or a failed login, not `onAfterUpdate` on reset or
 * verify. Services never see Express objects, so "request" is this plain summary of it.
 * @see https://github.com/fastapi-users/fastapi-users/blob/master/fastapi_users/manager.py
 */
export interface RequestInfo {
  ip: string | undefined;
  userAgent: string | undefined;
  requestId: string | undefined;
}

/** What a login answers, before it is sent: `onAfterLogin` may change it, as upstream allows. */
export interface LoginResponse {
  status: number;
  headers: Record<string, string | string[]>;
  body: unknown;
}

/** The input of an update as sent (plain-text password included), not the database diff. */
export type UpdateDict = Partial<{
  password: string;
  email: string;
  is_active: boolean;
  is_superuser: boolean;
  is_verified: boolean;
}>;

export interface FuAuthHooks {
  onAfterRegister(user: FuUser, request: RequestInfo): Promise<void>;
  onAfterLogin(user: FuUser, request: RequestInfo, response: LoginResponse): Promise<void>;
  onAfterUpdate(user: FuUser, update: UpdateDict, request: RequestInfo): Promise<void>;
  onAfterRequestVerify(user: FuUser, token: string, request: RequestInfo): Promise<void>;
  onAfterVerify(user: FuUser, request: RequestInfo): Promise<void>;
  onAfterForgotPassword(user: FuUser, token: string, request: RequestInfo): Promise<void>;
  onAfterResetPassword(user: FuUser, request: RequestInfo): Promise<void>;
  onBeforeDelete(user: FuUser, request: RequestInfo): Promise<void>;
  onAfterDelete(user: FuUser, request: RequestInfo): Promise<void>;
}

/** Upstream's defaults: every hook does nothing. */
export function noopHooks(): FuAuthHooks {
  const nothing = async () => undefined;
  return {
    onAfterRegister: nothing,
    onAfterLogin: nothing,
    onAfterUpdate: nothing,
    onAfterRequestVerify: nothing,
    onAfterVerify: nothing,
    onAfterForgotPassword: nothing,
    onAfterResetPassword: nothing,
    onBeforeDelete: nothing,
    onAfterDelete: nothing,
  };
}
