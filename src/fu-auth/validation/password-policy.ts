import { PASSWORD_TOO_LONG, passwordTooLong } from '../../passwords/password-bytes.js';

/**
 * The password rules of this deployment. fastapi-users validates nothing by default; this project
 * applies the docs' example rule (configurable) and answers with its exact reasons.
 * Python's `len()` counts code points, hence the spread; `in` is a case-sensitive substring test.
 * @see https://fastapi-users.github.io/fastapi-users/latest/configuration/user-manager/#validate_password
 */
export interface PasswordPolicy {
  minLength: number;
  forbidEmail: boolean;
}

/** The reason the password is refused, or null when it is acceptable. */
export function passwordProblem(
  policy: PasswordPolicy,
  password: string,
  email: string,
): string | null {
  if ([...password].length < policy.minLength)
    return `Password should be at least ${policy.minLength} characters`;
  if (passwordTooLong(password)) return PASSWORD_TOO_LONG;
  if (policy.forbidEmail && password.includes(email)) return 'Password should not contain e-mail';
  return null;
}
