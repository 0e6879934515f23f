/**
 * The dashboard page: polls the admin API and redraws without reloading. Policy, guard and
 * traffic every 3 s; migration state every 15 s (its counts scan the user tables); the audit log
 * when the policy version changes.
 */
import { api, settleCalls } from './api.js';
import { createAuditPanel } from './audit-panel.js';
import { createCharts } from './charts.js';
import { setupControls } from './controls.js';
import { $ } from './dom.js';
import { renderMigration } from './migration-panel.js';
import { renderPolicy, renderTripBanner } from './policy-panel.js';

const FAST_MS = 3000;
const SLOW_MS = 15_000;

let policy = null;
const charts = createCharts();
const audit = createAuditPanel();

function showPolicy(next) {
  const changed = !policy || next.version !== policy.version;
  policy = next;
  renderPolicy($('#policy'), policy);
  renderTripBanner($('#trip-banner'), policy);
  const input = $('#percent');
  if (changed && document.activeElement !== input) input.value = String(policy.percent);
  if (changed) void audit.load().catch(report);
}

function showGuard(guard) {
  const arms = guard.arms;
  const trip = guard.last_trip
    ? ` Last trip on this instance: ${guard.last_trip.at}: ${guard.last_trip.reason}.`
    : '';
  $('#guard-summary').textContent =
    `Guard ${guard.enabled ? 'on' : 'OFF'}: trips when the new arm's 5xx rate reaches ${guard.error_rate_limit * 100}% ` +
    `with at least ${guard.min_requests} requests in ${guard.window_seconds} s. ` +
    `This instance's window: legacy ${arms.legacy.requests} requests / ${arms.legacy.errors} 5xx, ` +
    `new ${arms.new.requests} / ${arms.new.errors}.${trip}`;
}

function report(error) {
  $('#connection').textContent = `⚠ Could not refresh: ${error.message}. Retrying…`;
}

async function fast() {
  const [p, series, guard] = await Promise.all([api.policy(), api.timeseries(), api.guard()]);
  showPolicy(p);
  charts.update(series);
  showGuard(guard);
  $('#instance').textContent = series.instance;
  $('#connection').textContent = '';
}

async function slow() {
  renderMigration($('#migration'), await api.migration());
}

function setupLogout() {
  const form = $('#logout');
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void settleCalls().then(() => form.submit());
  });
}

async function start() {
  setupLogout();
  const settings = await api.settings();
  setupControls({
    currentPolicy: () => policy,
    confirmStep: settings.percent_confirm_step,
    onChanged: (next) => showPolicy(next),
  });
  await Promise.all([fast(), slow()]).catch(report);
  setInterval(() => void fast().catch(report), FAST_MS);
  setInterval(() => void slow().catch(report), SLOW_MS);
  document.body.dataset.ready = 'true';
}

void start().catch(report);
