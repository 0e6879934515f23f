/** The live policy as a definition list, every state in words (and an icon), not colour alone. */
import { h, replaceChildren } from './dom.js';
import { at, list, percent, when } from './format.js';

function fact(term, value, attrs = {}) {
  return [h('dt', {}, term), h('dd', attrs, value)];
}

export function renderPolicy(el, policy) {
  replaceChildren(
    el,
    fact('Version', `v${policy.version}`, { 'data-field': 'version' }),
    fact('Percentage on the new engine', percent(policy.percent), { 'data-field': 'percent' }),
    fact('Kill switch', policy.killed ? '⛔ ON: everyone is on legacy' : '✓ off', {
      'data-field': 'killed',
      class: policy.killed ? 'state-bad' : 'state-ok',
    }),
    fact('Allow-list', list(policy.allow), { 'data-field': 'allow' }),
    fact('Deny-list', list(policy.deny), { 'data-field': 'deny' }),
    fact('Domain cohorts', list(policy.domains), { 'data-field': 'domains' }),
    fact('Gate on /fu_auth', policy.gate_fu_auth ? 'on' : 'off', { 'data-field': 'gate' }),
    fact('Last changed', `${when(policy.updated_at)} by ${policy.updated_by}`, {
      'data-field': 'updated',
    }),
    fact('Why', policy.reason ?? '(no reason given)', { 'data-field': 'reason' }),
  );
}

/** The guard's trip is the policy's last change while nobody has acted since (any instance). */
export function renderTripBanner(el, policy) {
  const tripped = policy.updated_by === 'guard';
  el.hidden = !tripped;
  const text = tripped
    ? `⚠ Guard tripped at ${at(policy.updated_at)}: ${policy.reason}. The percentage was set to 0%.`
    : '';
  if (el.textContent !== text) el.textContent = text;
}
