/**
 * The change controls. Every change needs a reason (the audit log's "why"); a percentage move
 * larger than the configured step asks for confirmation first. Changes go to
 * POST /api/policy/changes, the same audited path as `npm run rollout`.
 */
import { api } from './api.js';
import { $ } from './dom.js';
import { percent } from './format.js';

const LIST_OPS = { allow: 'allow', deny: 'deny', domain: 'domain' };

export function setupControls({ currentPolicy, confirmStep, onChanged }) {
  const reason = $('#reason');
  const operator = $('#operator');
  const status = $('#change-status');
  operator.value = localStorage.getItem('authshift-operator') ?? '';
  operator.addEventListener('change', () =>
    localStorage.setItem('authshift-operator', operator.value.trim()),
  );

  function say(text, ok) {
    status.textContent = `${ok ? '✓' : '✗'} ${text}`;
    status.className = `status ${ok ? 'state-ok' : 'state-bad'}`;
  }

  async function submit(change) {
    const why = reason.value.trim();
    if (!why) {
      say('Give a reason for the change first.', false);
      reason.setAttribute('aria-invalid', 'true');
      reason.focus();
      return;
    }
    reason.removeAttribute('aria-invalid');
    const name = operator.value.trim();
    try {
      const result = await api.change({ ...change, reason: why, ...(name ? { actor: name } : {}) });
      reason.value = '';
      say(
        result.outcome === 'changed'
          ? `Changed (${change.op}): policy is now v${result.policy.version}.`
          : `Nothing to change: the policy already says so (v${result.policy.version}).`,
        true,
      );
      onChanged(result.policy);
    } catch (error) {
      say(`The change was refused: ${error.message}`, false);
    }
  }

  $('#percent-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const next = Number($('#percent').value);
    const now = currentPolicy().percent;
    const jump = Math.abs(next - now);
    if (jump > confirmStep) {
      const text = `Move the rollout from ${percent(now)} to ${percent(next)}? That is a jump of ${jump.toFixed(2)} points, more than the ${confirmStep}-point step.`;
      if (!(await confirmDialog(text))) {
        say('Percentage change cancelled.', false);
        return;
      }
    }
    await submit({ op: 'set_percent', percent: next });
  });

  for (const [id, op] of [
    ['#kill', 'kill'],
    ['#unkill', 'unkill'],
    ['#gate-on', 'gate_on'],
    ['#gate-off', 'gate_off'],
  ])
    $(id).addEventListener('click', () => submit({ op }));

  for (const form of document.querySelectorAll('.list-form')) {
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const kind = LIST_OPS[form.dataset.list];
      const action = event.submitter?.value === 'remove' ? 'remove' : 'add';
      const input = form.querySelector('input');
      const field = kind === 'domain' ? 'domain' : 'email';
      await submit({ op: `${kind}_${action}`, [field]: input.value.trim() });
    });
  }
}

function confirmDialog(text) {
  const dialog = $('#confirm-dialog');
  $('#confirm-text').textContent = text;
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'confirm'), {
      once: true,
    });
    dialog.returnValue = '';
    dialog.showModal();
  });
}
