import { createPreparedRead } from '../db/prepared-reads.js';
import type { Clock } from '../lib/clock.js';
import type { Models } from '../db/models/index.js';

export interface Contact {
  id: number;
  owner_id: number;
  name: string;
  email: string | null;
  phone: string | null;
  company: string | null;
  notes: string | null;
  created_at: Date;
  updated_at: Date;
}

export type ContactFields = Pick<Contact, 'name' | 'email' | 'phone' | 'company' | 'notes'>;

/** Owner scoping is part of every query: a contact that is not yours does not exist. */
export interface ContactScope {
  ownerId: number;
  /** Admins see every contact. */
  all: boolean;
}

export type ContactRepository = ReturnType<typeof createContactRepository>;

const FIELDS = [
  'id',
  'owner_id',
  'name',
  'email',
  'phone',
  'company',
  'notes',
  'created_at',
  'updated_at',
] as const;

const LIST = `SELECT ${FIELDS.join(', ')} FROM contacts`;

export function createContactRepository({ models, clock }: { models: Models; clock: Clock }) {
  const { Contact } = models;
  // The list is every /api client's first call: a prepared statement (src/db/prepared-reads.ts).
  const read = createPreparedRead(Contact.sequelize!);
  const where = (scope: ContactScope, id?: number) => ({
    ...(id === undefined ? {} : { id }),
    ...(scope.all ? {} : { owner_id: scope.ownerId }),
  });

  return {
    async list(scope: ContactScope): Promise<Contact[]> {
      return scope.all
        ? read<Contact>(`${LIST} ORDER BY id`, [])
        : read<Contact>(`${LIST} WHERE owner_id = $1 ORDER BY id`, [scope.ownerId]);
    },
    async get(scope: ContactScope, id: number): Promise<Contact | null> {
      return (await Contact.findOne({
        where: where(scope, id),
        attributes: [...FIELDS],
        raw: true,
      })) as Contact | null;
    },
    async create(ownerId: number, fields: ContactFields): Promise<Contact> {
      const now = clock.now();
      const row = await Contact.create({
        ...fields,
        owner_id: ownerId,
        created_at: now,
        updated_at: now,
      });
      return row.get({ plain: true }) as Contact;
    },
    async update(scope: ContactScope, id: number, fields: ContactFields): Promise<Contact | null> {
      const [count] = await Contact.update(
        { ...fields, updated_at: clock.now() },
        { where: where(scope, id) },
      );
      return count === 0 ? null : this.get(scope, id);
    },
    async remove(scope: ContactScope, id: number): Promise<boolean> {
      return (await Contact.destroy({ where: where(scope, id) })) > 0;
    },
  };
}
