/**
 * Which of several legacy accounts holding one canonical address (old case-only twins) the
 * address belongs to: the one account that proved it owns the mailbox (a confirmed e-mail); with
 * none confirmed, the oldest (`created_at`, then id); with several confirmed, nobody (ambiguous:
 * only an operator can decide). Nothing an attacker controls (recency, activity, spelling) counts.
 * Lazy migration binds only this account; `users dedupe` keeps it (docs/engines.md, one identity).
 */
export interface AddressHolderFacts {
  id: number;
  confirmed: boolean;
  createdAt: Date;
}

export function addressKeeper<T extends AddressHolderFacts>(holders: readonly T[]): T | null {
  const confirmed = holders.filter((holder) => holder.confirmed);
  if (confirmed.length > 1) return null;
  if (confirmed.length === 1) return confirmed[0]!;
  let oldest: T | null = null;
  for (const holder of holders) {
    const older =
      !oldest ||
      holder.createdAt.getTime() < oldest.createdAt.getTime() ||
      (holder.createdAt.getTime() === oldest.createdAt.getTime() && holder.id < oldest.id);
    if (older) oldest = holder;
  }
  return oldest;
}
