/**
 * True when an error means the database went away (restart, network, admin shutdown) rather than
 * that a statement failed: such a run cannot roll back either, so it stops as "interrupted" and
 * tells ops to re-run it once the database is back (every step resumes).
 */
export function isDatabaseUnreachable(error: unknown): boolean {
  for (
    let e: unknown = error;
    e;
    e = (e as { parent?: unknown; cause?: unknown }).parent ?? (e as { cause?: unknown }).cause
  ) {
    const { name, code, message } = e as { name?: string; code?: string; message?: string };
    if (
      name &&
      /Sequelize(Connection|ConnectionRefused|HostNotReachable|ConnectionAcquireTimeout)Error/.test(
        name,
      )
    )
      return true;
    if (
      code &&
      [
        'ECONNREFUSED',
        'ECONNRESET',
        'EPIPE',
        '57P01',
        '57P02',
        '57P03',
        '08006',
        '08003',
        '08001',
      ].includes(code)
    )
      return true;
    if (
      message &&
      /Connection terminated|connection is closed|terminating connection|encountered a connection error|the database system is (starting up|shutting down)/i.test(
        message,
      )
    )
      return true;
    if (e === (e as { parent?: unknown }).parent) break;
  }
  return false;
}
