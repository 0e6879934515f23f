/**
 * Exit codes of `npm start` / `npm run dev` (and of its database service). The values are those
 * of the ops commands (OPS_EXIT in src/cutover/ops.ts), so one table serves every CLI.
 */
export const START_EXIT = {
  /** Stopped on request (a signal to any of its processes). */
  ok: 0,
  /** A service could not be started or kept up. */
  failed: 1,
  /** Unknown option. */
  usage: 2,
  /** Something else holds what it needs: another npm start, a port, the embedded database. */
  busy: 3,
} as const;
