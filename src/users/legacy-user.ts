/** A `users` row as plain data. `isActive` hides SMALLINT (phase 0) vs BOOLEAN (consolidated). */
export interface LegacyUserRecord {
  id: number;
  email: string;
  fullName: string | null;
  hashedPassword: string | null;
  isActive: boolean;
  role: 'admin' | 'user' | string;
  emailConfirmedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  lastLoginAt: Date | null;
}

/** The user object of the legacy contract: exactly these four keys, in this order. */
export interface LegacyPublicUser {
  id: number;
  email: string;
  full_name: string | null;
  role: string;
}

export function toLegacyPublicUser(
  user: Pick<LegacyUserRecord, 'id' | 'email' | 'fullName' | 'role'>,
): LegacyPublicUser {
  return { id: user.id, email: user.email, full_name: user.fullName, role: user.role };
}
