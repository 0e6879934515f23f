import type { AppDeps } from '../deps.js';
import { findSubject } from '../fu-auth/lazy-migration.js';
import type { FuUser, LegacyCandidate } from '../fu-auth/store/user-store.js';
import { registrableEmail } from '../fu-auth/validation/email-address.js';
import { CliError, UsageError } from '../lib/cli/cli-error.js';
import { EXIT, type ExitCode } from '../lib/cli/exit-codes.js';
import { parseCommandLine } from '../lib/cli/parse-command-line.js';
import type { RunnableCommandLine } from '../lib/cli/run-cli.js';
import { runDedupeCommand } from './dedupe-command.js';
import { runReconcileCommand } from './reconcile-command.js';
import { USERS_CLI } from './users-cli.js';
import { listUsers } from './users-list.js';

const CLI = { ip: undefined, userAgent: undefined, requestId: 'cli' };

/**
 * The user CLI's commands, on the same manager as the HTTP API, so the password policy, hooks and
 * write-back to the legacy table apply here too. Returns the exit code; `print` gets the output.
 * (For tests and callers holding an argv: the entry point parses before it connects.)
 */
export async function runUsersCommand(
  deps: AppDeps,
  argv: string[],
  print: (line: string) => void,
): Promise<ExitCode> {
  let parsed;
  try {
    parsed = parseCommandLine(USERS_CLI, argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    print(error.message);
    return EXIT.usage;
  }
  if (parsed.kind === 'help') {
    print(parsed.text);
    return parsed.exitCode;
  }
  return executeUsersCommand(deps, parsed, print);
}

const show = (user: FuUser) =>
  `${user.id}  ${user.email}  active=${user.isActive} superuser=${user.isSuperuser} verified=${user.isVerified} legacy_id=${user.legacyUserId ?? '-'}`;

export async function executeUsersCommand(
  deps: AppDeps,
  { verb, args, options }: RunnableCommandLine,
  print: (line: string) => void,
): Promise<ExitCode> {
  const email = String(args.EMAIL ?? '');
  switch (verb) {
    case 'list':
      await listUsers(deps.sequelize, options, print);
      return EXIT.ok;
    case 'dedupe':
      return runDedupeCommand(deps, options, print);
    case 'reconcile':
      return runReconcileCommand(deps, options, print);
    case 'create':
      return create(deps, email, options, print);
    case 'promote':
      return change(deps, email, print, {
        done: (u) => u.isSuperuser && (options.verified !== true || u.isVerified),
        update: { is_superuser: true, ...(options.verified === true ? { is_verified: true } : {}) },
        already: 'already a superuser',
      });
    default:
      return change(deps, email, print, {
        done: (u) => !u.isActive,
        update: { is_active: false },
        already: 'already inactive on both engines',
      });
  }
}

async function create(
  deps: AppDeps,
  email: string,
  options: RunnableCommandLine['options'],
  print: (line: string) => void,
): Promise<ExitCode> {
  const normalized = registrableEmail(email);
  if (!normalized.ok)
    throw new UsageError(`create: "${email}" is not a valid e-mail address (${normalized.reason})`);
  if (typeof options.password !== 'string') throw new UsageError('create needs --password P');
  const user = await deps.fuAuth.deps.manager.create(
    {
      email: normalized.email,
      password: options.password,
      isSuperuser: options.superuser === true,
      isVerified: options.verified === true,
    },
    CLI,
  );
  print(`created ${show(user)}`);
  return EXIT.ok;
}

/** Promote or deactivate; a legacy-only account is imported only when something changes. */
async function change(
  deps: AppDeps,
  email: string,
  print: (line: string) => void,
  what: {
    done(state: Pick<FuUser, 'isActive' | 'isSuperuser' | 'isVerified'>): boolean;
    update: Record<string, boolean>;
    already: string;
  },
): Promise<ExitCode> {
  const store = deps.fuAuth.deps.store();
  const subject = await findSubject(store, email);
  if (!subject) throw new CliError(EXIT.failed, `no user with e-mail ${email}`);
  const state: Pick<FuUser, 'isActive' | 'isSuperuser' | 'isVerified'> =
    subject.kind === 'user' ? subject.user : (subject.candidate satisfies LegacyCandidate);
  if (what.done(state)) {
    print(`${email}: ${what.already}; nothing changed`);
    return EXIT.ok;
  }
  const user =
    subject.kind === 'user'
      ? subject.user
      : await store.importLegacy(subject.candidate, subject.candidate.hashedPassword ?? '');
  if (!user) throw new CliError(EXIT.failed, `no user with e-mail ${email}`);
  print(`updated ${show(await deps.fuAuth.deps.manager.update(user, what.update, CLI))}`);
  return EXIT.ok;
}
