/** Prints umzug progress events as one readable line each. */
export function printEvent(event: Record<string, unknown>): void {
  const took =
    typeof event.durationSeconds === 'number' ? ` (${event.durationSeconds.toFixed(3)}s)` : '';
  console.log(`${String(event.event)} ${String(event.name ?? event.path ?? '')}${took}`);
}
