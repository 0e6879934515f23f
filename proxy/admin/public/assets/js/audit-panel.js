/** The audit log, newest first, a page at a time (GET /api/policy/history). */
import { api } from './api.js';
import { $, h, replaceChildren } from './dom.js';
import { changeSummary, when } from './format.js';

const PAGE = 10;

export function createAuditPanel() {
  let offset = 0;
  let total = 0;
  const prev = $('#audit-prev');
  const next = $('#audit-next');

  async function load() {
    const page = await api.history(PAGE, offset);
    total = page.total;
    replaceChildren(
      $('#audit-table tbody'),
      page.entries.map((e) =>
        h(
          'tr',
          { 'data-version': e.version },
          h('td', {}, `v${e.version}`),
          h('td', {}, when(e.at)),
          h('td', { 'data-field': 'actor' }, e.actor),
          h('td', { 'data-field': 'reason' }, e.reason ?? '(no reason given)'),
          h('td', {}, changeSummary(e)),
        ),
      ),
    );
    const pages = Math.max(1, Math.ceil(total / PAGE));
    $('#audit-page').textContent =
      `Page ${Math.floor(offset / PAGE) + 1} of ${pages} (${total} entries)`;
    prev.disabled = offset === 0;
    next.disabled = offset + PAGE >= total;
  }

  prev.addEventListener('click', () => {
    offset = Math.max(0, offset - PAGE);
    void load();
  });
  next.addEventListener('click', () => {
    offset += PAGE;
    void load();
  });
  return { load };
}
