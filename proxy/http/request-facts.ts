/**
 * The verified facts a decision is made from (policy/decide.ts), gathered per request:
 * - a signed override (override.ts);
 * - on identity routes, the e-mail in the body, read by the monolith's own body reader
 *   (src/lib/http/body-reader.ts). A body it cannot read is refused, never routed by a
 *   fallback: the proxy answers it with the monolith's own error (surface-answers.ts);
 * - the e-mail of a verified routing claim;
 * - on gated /fu_auth only, a verified new-engine credential: a bearer access token, or the reset
 *   or verification token in the body.
 */
import type { IncomingMessage } from 'node:http';
import type { BodyRefusal } from '../../src/lib/contracts/body-refusal.js';
import { readRequestBody, type ParsedBody } from '../../src/lib/http/body-reader.js';
import {
  claimEmail,
  hasVerifiedBearer,
  isResetToken,
  verifyTokenEmail,
  type VerifierSecrets,
} from '../policy/credentials.js';
import type { RequestFacts } from '../policy/decide.js';
import { emailOf, fieldOf } from '../policy/identity.js';
import { verifyOverride, type OverrideRejection } from '../policy/override.js';
import type { OverrideHeaders } from './forwarded-headers.js';
import type { BodyRule, RouteInfo } from './route-table.js';

export interface FactsDeps {
  secrets: VerifierSecrets;
  overrideSecret: string;
  now: Date;
  onRejectedOverride(why: OverrideRejection): void;
}

export type GatheredFacts =
  { ok: true; facts: RequestFacts; body?: Buffer } | { ok: false; refusal: BodyRefusal };

export async function gatherFacts(
  req: IncomingMessage,
  route: RouteInfo,
  gated: boolean,
  override: OverrideHeaders,
  deps: FactsDeps,
): Promise<GatheredFacts> {
  const facts: RequestFacts = {};
  const checked = verifyOverride(
    override.forceArm,
    override.signature,
    deps.overrideSecret,
    Math.floor(deps.now.getTime() / 1000),
  );
  if (checked && 'arm' in checked) facts.override = checked.arm;
  else if (checked) deps.onRejectedOverride(checked.rejected);
  const email = claimEmail(req.headers, deps.secrets, deps.now);
  if (email !== undefined) facts.claimEmail = email;
  if (gated && (await hasVerifiedBearer(req.headers, deps.secrets, deps.now)))
    facts.credential = { kind: 'access' };
  if (!route.body) return { ok: true, facts };
  const { raw, reading } = await readRequestBody(req, route.body.accepts);
  if (!reading.ok) return { ok: false, refusal: reading.refusal };
  await addBodyFacts(facts, reading.body, route.body, gated, deps);
  return { ok: true, facts, ...(raw ? { body: raw } : {}) };
}

async function addBodyFacts(
  facts: RequestFacts,
  body: ParsedBody,
  rule: BodyRule,
  gated: boolean,
  deps: FactsDeps,
): Promise<void> {
  if (rule.holds === 'email' || rule.holds === 'email_str') {
    const email = emailOf(body, rule.field, rule.holds === 'email' ? 'as_typed' : 'email_str');
    if (email !== undefined) facts.email = email;
    return;
  }
  const token = fieldOf(body, rule.field);
  // A verified bearer already sends the request to the new engine (the order of decide.ts).
  if (!gated || token === undefined || facts.credential) return;
  if (rule.holds === 'reset_token') {
    if (await isResetToken(token, deps.secrets, deps.now)) facts.credential = { kind: 'reset' };
    return;
  }
  const verified = await verifyTokenEmail(token, deps.secrets, deps.now);
  if (verified !== undefined) facts.credential = { kind: 'verify', email: verified };
}
