/**
 * `npm start`: the whole stack on one machine, supervised. One npm start per DATA_DIR (a second
 * one says where the first runs); ports checked first and named by their variable; then the
 * database (DATABASE_URL, or the embedded PostgreSQL as a service), migrations, demo data on an
 * empty database, the monolith and the proxy; a banner once both answer /readyz. A crashed
 * service is restarted with backoff; a stop signal to any process stops them all in order.
 * `npm run dev` (--watch) also restarts the service whose code changed.
 */
import path from 'node:path';
import { loadProxyConfig } from '../../proxy/config.js';
import { loadConfig, type Config } from '../config/load-config.js';
import { DEV_SECRETS } from '../lib/contracts/dev-secrets.js';
import { createLogger, type Logger } from '../lib/logger.js';
import { describeListenProblem, listenProblem } from '../lib/net/listen-problem.js';
import { prepareDatabase } from './prepare-database.js';
import { runMain } from '../lib/cli/run-cli.js';
import { watchSources } from './source-watcher.js';
import { parseStartArgs } from './start-args.js';
import { EXIT } from '../lib/cli/exit-codes.js';
import { stackBanner, type BannerDatabase } from './stack-banner.js';
import { acquireStackLock, type StackLockHolder } from './stack-lock.js';
import {
  appServices,
  databaseService,
  REPOSITORY_ROOT,
  type PortSpec,
  type ServiceSpec,
} from './stack-services.js';
import { createSupervisor, type Supervisor } from './supervisor.js';

/** Source (tsx) or compiled (dist/): the services' entry files follow suit. */
const EXT = import.meta.url.endsWith('.ts') ? 'ts' : 'js';

runMain(async () => {
  const args = parseStartArgs(process.argv.slice(2));
  if (typeof args === 'number') return args;
  const config = loadConfig(process.env);
  const proxyConfig = loadProxyConfig(process.env);
  const stack: Stack = {
    config,
    adminToken: proxyConfig.admin.token,
    services: appServices(config, proxyConfig, EXT),
    logger: createLogger({ level: config.logLevel, name: 'supervisor' }),
  };
  return (await refusal(stack)) ?? runStack(stack, args.watch);
});

interface Stack {
  config: Config;
  adminToken: string;
  services: [ServiceSpec, ServiceSpec];
  logger: Logger;
}

/** Another npm start here, or a taken port: said in one sentence before anything starts. */
async function refusal({ config, services }: Stack): Promise<number | undefined> {
  const [monolith, proxy] = services;
  const dataDir = config.database.embedded.dataDir;
  const lock = await acquireStackLock(dataDir, [...proxy.banner, ...monolith.banner]);
  if (!lock.acquired) {
    console.error(alreadyRunning(lock.holder, dataDir));
    return EXIT.busy;
  }
  process.on('exit', lock.release);
  const problems = await portProblems(services.flatMap((s) => s.ports));
  if (problems.length === 0) return undefined;
  console.error(problems.join('\n'));
  return EXIT.busy;
}

async function runStack(stack: Stack, watch: boolean): Promise<number> {
  const { config, services, logger } = stack;
  const supervisor = createSupervisor({
    logger,
    env: process.env,
    execArgv: process.execArgv,
    watchMode: watch,
  });
  stopOnSignals(supervisor, logger);
  const database = await startDatabase(supervisor, config);
  if (database && !supervisor.isStopping())
    await prepareDatabase(database.url, config, logger).catch((error: Error) => {
      const failure = `the database could not be prepared: ${error.message}`;
      return supervisor.stop(failure, { code: EXIT.failed, failure });
    });
  let stopWatching: (() => void) | undefined;
  if (database && !supervisor.isStopping()) {
    runServices(supervisor, services, database.url, () => announce(stack, database));
    if (watch) stopWatching = watchServices(supervisor, services, logger);
  }
  const end = await supervisor.finished;
  stopWatching?.();
  if (end.failure) {
    console.error(`error: ${end.failure}`);
    const problems = await portProblems(services.flatMap((s) => s.ports));
    problems.forEach((problem) => console.error(`  ${problem}`));
  }
  return end.code;
}

/**
 * Every stop signal, however often, leads to one ordered stop: under npm a terminal's Ctrl-C
 * arrives twice (from the terminal, and forwarded by npm), and cutting the stop short would
 * leave PostgreSQL running.
 */
function stopOnSignals(supervisor: Supervisor, logger: Logger): void {
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
    process.removeAllListeners(signal);
    process.on(signal, () => {
      if (supervisor.isStopping()) logger.info({ signal }, 'already stopping every service');
      else void supervisor.stop(`${signal} to npm start`);
    });
  }
}

interface Database {
  url: string;
  banner: BannerDatabase;
}

async function startDatabase(
  supervisor: Supervisor,
  config: Config,
): Promise<Database | undefined> {
  if (config.database.url) return { url: config.database.url, banner: { embedded: false } };
  const ready = await supervisor.add(databaseService(EXT)).ready();
  if (!ready?.url) return undefined;
  const { port, dataDir } = config.database.embedded;
  const postgresDir = path.join(dataDir, 'postgres');
  return { url: ready.url, banner: { embedded: true, url: ready.url, port, dataDir: postgresDir } };
}

function runServices(
  supervisor: Supervisor,
  specs: ServiceSpec[],
  databaseUrl: string,
  banner: () => void,
): void {
  const running = specs.map((spec) =>
    supervisor.add({ ...spec, env: { ...spec.env, DATABASE_URL: databaseUrl } }),
  );
  // The banner says the stack is running: printed once every service answers, not before.
  void Promise.all(running.map((s) => s.ready())).then((ready) => {
    if (ready.every(Boolean) && !supervisor.isStopping()) banner();
  });
}

function watchServices(supervisor: Supervisor, specs: ServiceSpec[], logger: Logger): () => void {
  return watchSources({
    root: REPOSITORY_ROOT,
    targets: specs.map((s) => ({ name: s.name, dirs: s.watch })),
    onChange: (name, files) => supervisor.restartForChange(name, files),
    logger,
  });
}

function announce({ config, adminToken, services }: Stack, database: Database): void {
  const [monolith, proxy] = services;
  console.log(
    stackBanner({
      development: config.env === 'development',
      services: [...proxy.banner, ...monolith.banner],
      // SECURITY: only the public development default is ever printed, never a token one set.
      devAdminToken: adminToken === DEV_SECRETS.PROXY_ADMIN_TOKEN ? adminToken : undefined,
      database: database.banner,
    }),
  );
}

async function portProblems(ports: PortSpec[]): Promise<string[]> {
  const found = await Promise.all(
    ports.map(async ({ port, host, variable }) => {
      const problem = await listenProblem(port, host);
      return problem && describeListenProblem(port, variable, problem);
    }),
  );
  return found.filter((line): line is string => Boolean(line));
}

function alreadyRunning(holder: StackLockHolder, dataDir: string): string {
  return [
    `npm start is already running (pid ${holder.pid}) for ${path.resolve(dataDir)}, since ${holder.startedAt}:`,
    ...holder.where.map((line) => `    ${line}`),
    `Use that one, or stop it first (Ctrl-C in its terminal, or kill ${holder.pid}).`,
    'For a second stack, give it its own DATA_DIR, PORT, PROXY_PORT, PROXY_ADMIN_PORT and EMBEDDED_PG_PORT.',
  ].join('\n');
}
