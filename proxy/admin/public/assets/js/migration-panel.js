/** Migration state: user_store, account counts, the last cutover or rollback, the snapshots. */
import { h, replaceChildren } from './dom.js';
import { count, duration, when } from './format.js';

const STEP_ICON = { done: '✓', failed: '✗', running: '…' };

function runSection(run) {
  if (!run) return h('p', {}, 'No cutover or rollback has run yet.');
  return [
    h(
      'p',
      { 'data-field': 'last-run' },
      `Last ${run.kind} #${run.id}: ${run.status}, started ${when(run.started_at)}`,
      run.finished_at ? `, finished ${when(run.finished_at)}` : '',
      run.error ? ` — ${run.error}` : '',
    ),
    h(
      'table',
      { class: 'data' },
      h('caption', {}, `Steps of ${run.kind} #${run.id}`),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['Step', 'Result', 'Duration', 'Detail'].map((c) => h('th', { scope: 'col' }, c)),
        ),
      ),
      h(
        'tbody',
        {},
        run.steps.map((s) =>
          h(
            'tr',
            {},
            h('th', { scope: 'row' }, s.name),
            h('td', {}, `${STEP_ICON[s.status] ?? ''} ${s.status}`),
            h('td', {}, duration(s.duration_ms)),
            h('td', {}, s.error ?? s.detail ?? ''),
          ),
        ),
      ),
    ),
  ];
}

function snapshotSection(snapshots) {
  if (!snapshots.length) return h('p', {}, 'No snapshots.');
  return h(
    'table',
    { class: 'data', 'data-field': 'snapshots' },
    h('caption', {}, 'Snapshots (row counts; the rows never leave the database)'),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ['Label', 'Taken', 'users', 'fu_users', 'fu_access_tokens', 'Restored'].map((c) =>
          h('th', { scope: 'col' }, c),
        ),
      ),
    ),
    h(
      'tbody',
      {},
      snapshots.map((s) =>
        h(
          'tr',
          {},
          h('th', { scope: 'row' }, s.label),
          h('td', {}, when(s.taken_at)),
          ['users', 'fu_users', 'fu_access_tokens'].map((t) => h('td', {}, count(s.rows[t] ?? 0))),
          h('td', {}, s.restored_at ? when(s.restored_at) : 'never'),
        ),
      ),
    ),
  );
}

export function renderMigration(el, state) {
  const store = state.user_store;
  replaceChildren(
    el,
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, 'user_store'),
      h(
        'dd',
        { 'data-field': 'user-store' },
        store ? `${store.value} (set ${when(store.updated_at)} by ${store.updated_by})` : 'not set',
      ),
      h('dt', {}, 'Phase'),
      h('dd', { 'data-field': 'phase' }, state.phase),
      h('dt', {}, 'Legacy-only accounts'),
      h('dd', { 'data-field': 'legacy-only' }, count(state.users.legacy_only)),
      h('dt', {}, 'Migrated (known to both engines)'),
      h('dd', { 'data-field': 'migrated' }, count(state.users.migrated)),
      h('dt', {}, 'New-only (no legacy twin)'),
      h('dd', { 'data-field': 'new-only' }, count(state.users.new_only)),
      h('dt', {}, 'Linked to an OAuth provider'),
      h('dd', { 'data-field': 'oauth-linked' }, count(state.oauth_linked ?? 0)),
      // The server counts at most every 10 s: say how old the figures above are.
      h('dt', {}, 'Counted'),
      h('dd', { 'data-field': 'counted-at' }, when(state.counted_at)),
    ),
    runSection(state.last_run),
    snapshotSection(state.snapshots),
  );
}
