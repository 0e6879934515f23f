/** Formatting shared by the panels. Every value is shown as text, never by colour alone. */
export const percent = (p) => `${Number(p).toFixed(2)}%`;

export function when(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  return `${d.toLocaleString()} (${ago(d)})`;
}

/** An absolute time only: what live regions announce (a changing "ago" would re-announce). */
export const at = (iso) => (iso ? new Date(iso).toLocaleString() : '—');

export function ago(date) {
  const s = Math.max(0, Math.round((Date.now() - date.getTime()) / 1000));
  if (s < 90) return `${s} s ago`;
  if (s < 5400) return `${Math.round(s / 60)} min ago`;
  return `${Math.round(s / 3600)} h ago`;
}

export const duration = (ms) =>
  ms === null || ms === undefined ? '—' : ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(2)} s`;

export const list = (xs) => (xs.length ? xs.join(', ') : 'none');

export const count = (n) => Number(n).toLocaleString('en');

/** A short description of what an audit entry changed (old → new). */
export function changeSummary(entry) {
  const { old: before, new: after } = entry;
  if (!before) return 'policy created';
  const parts = [];
  if (before.percent !== after.percent)
    parts.push(`percent ${before.percent}% → ${after.percent}%`);
  if (before.killed !== after.killed)
    parts.push(after.killed ? 'kill switch ON' : 'kill switch off');
  if (before.gate_fu_auth !== after.gate_fu_auth)
    parts.push(`gate ${after.gate_fu_auth ? 'on' : 'off'}`);
  for (const key of ['allow', 'deny', 'domains']) {
    const added = after[key].filter((x) => !before[key].includes(x));
    const removed = before[key].filter((x) => !after[key].includes(x));
    if (added.length) parts.push(`${key} + ${added.join(', ')}`);
    if (removed.length) parts.push(`${key} − ${removed.join(', ')}`);
  }
  if (before.salt !== after.salt) parts.push('salt rotated');
  return parts.length ? parts.join('; ') : 'no routing change';
}
