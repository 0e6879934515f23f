import { parseArgs } from 'node:util';
import type { AppDeps } from '../deps.js';
import { findSubject } from '../fu-auth/lazy-migration.js';
import type { FuUser } from '../fu-auth/store/user-store.js';
import { registrableEmail } from '../fu-auth/validation/email-address.js';

const USAGE = `usage: npm run users -- <command>
  create EMAIL --password P [--superuser] [--verified]
  promote EMAIL [--verified]      make a superuser (a legacy-only account is imported first)
  deactivate EMAIL
  list [--limit N] [--offset N]`;

const CLI = { ip: undefined, userAgent: undefined, requestId: 'cli' };

/**
 * The user CLI's commands, on the same manager as the HTTP API, so the password policy, hooks and
 * write-back to the legacy table apply here too. Returns the exit code; `print` gets the output.
 */
export async function runUsersCommand(
  deps: AppDeps,
  argv: string[],
  print: (line: string) => void,
): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      password: { type: 'string' },
      superuser: { type: 'boolean', default: false },
      verified: { type: 'boolean', default: false },
      limit: { type: 'string', default: '100' },
      offset: { type: 'string', default: '0' },
    },
  });
  const [command, email] = positionals;
  const { manager, store } = deps.fuAuth.deps;
  const show = (user: FuUser) =>
    `${user.id}  ${user.email}  active=${user.isActive} superuser=${user.isSuperuser} verified=${user.isVerified} legacy_id=${user.legacyUserId ?? '-'}`;

  if (command === 'list') {
    for (const user of await store().list(Number(values.limit), Number(values.offset)))
      print(show(user));
    return 0;
  }
  if (!email || !['create', 'promote', 'deactivate'].includes(command ?? '')) {
    print(USAGE);
    return 2;
  }
  if (command === 'create') {
    const normalized = registrableEmail(email);
    if (!normalized.ok) throw new Error(`invalid e-mail: ${normalized.reason}`);
    if (!values.password) throw new Error('--password is required');
    const user = await manager.create(
      {
        email: normalized.email,
        password: values.password,
        isSuperuser: values.superuser,
        isVerified: values.verified,
      },
      CLI,
    );
    print(`created ${show(user)}`);
    return 0;
  }
  const user = await existingUser(deps, email);
  const update =
    command === 'promote'
      ? { is_superuser: true, ...(values.verified ? { is_verified: true } : {}) }
      : { is_active: false };
  print(`updated ${show(await manager.update(user, update, CLI))}`);
  return 0;
}

/** The user an e-mail names; a legacy-only account is imported (same identity) so it can change. */
async function existingUser(deps: AppDeps, email: string): Promise<FuUser> {
  const store = deps.fuAuth.deps.store();
  const subject = await findSubject(store, email);
  if (subject?.kind === 'user') return subject.user;
  const imported = subject
    ? await store.importLegacy(subject.candidate, subject.candidate.hashedPassword ?? '')
    : null;
  if (!imported) throw new Error(`no user with e-mail ${email}`);
  return imported;
}
