/**
 * The address a fastapi-users `EmailStr` field means: pydantic accepts the "pretty" form
 * `Name <addr>` and strips surrounding whitespace (Unicode, not only ASCII) before validating. The
 * engine (src/fu-auth/validation/email-address.ts) and the proxy's bucket both start from this, so a
 * display name or an exotic space cannot put one address in another bucket (a client picking its
 * own arm). The legacy contract takes the e-mail as typed and needs none of this.
 */
const NAME_CHARS = "[\\w!#$%&'*+\\-/=?^_`{|}~]";
const PRETTY = new RegExp(
  `^\\s*(?:((?:${NAME_CHARS}+\\s+)*${NAME_CHARS}+)|"((?:[^"]|\\\\")+)")?\\s*<(.+)>\\s*$`,
  'u',
);

export function addressInInput(input: string): string {
  return (PRETTY.exec(input)?.[3] ?? input).trim();
}
