import type { Migration } from '../src/db/migrator.js';

/**
 * `authshift_canonical_email(text)`: src/lib/identity/canonical-email.ts in SQL, the one definition
 * of "the same e-mail address" (trim ASCII whitespace, NFC, ASCII letters lower-cased, non-ASCII
 * domain labels in Punycode). A property test compares the two over generated addresses.
 * ASCII addresses (nearly all) take an inlinable expression; the rest go through PL/pgSQL.
 * The split's normalisation (`authshift_normalise_email`) becomes this function, so the proxy,
 * `rollout_assignments` and `rollout explain` keep agreeing. For ASCII addresses it is the same
 * as before, so nobody's bucket moves; non-ASCII ones may.
 */
const ASCII_UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const ASCII_LOWER = 'abcdefghijklmnopqrstuvwxyz';

// RFC 3492 encoding (base 36, tmin 1, tmax 26, skew 38, damp 700, initial bias 72, n 128),
// written after the RFC's pseudocode; digits 0–25 are a–z, 26–35 are 0–9.
const PUNYCODE_ENCODE = `
  CREATE FUNCTION authshift_punycode_encode(input text) RETURNS text
  LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
  DECLARE
    cps integer[] := ARRAY(SELECT ascii(c) FROM unnest(string_to_array(input, NULL))
                             WITH ORDINALITY AS t(c, i) ORDER BY i);
    total integer := coalesce(array_length(cps, 1), 0);
    n integer := 128;
    delta bigint := 0;
    bias integer := 72;
    basic integer;
    handled integer;
    m integer;
    q bigint;
    k integer;
    t integer;
    d bigint;
    cp integer;
    output text := '';
  BEGIN
    FOREACH cp IN ARRAY cps LOOP
      IF cp < 128 THEN output := output || chr(cp); END IF;
    END LOOP;
    basic := char_length(output);
    handled := basic;
    IF basic > 0 THEN output := output || '-'; END IF;
    WHILE handled < total LOOP
      SELECT min(x) INTO m FROM unnest(cps) AS x WHERE x >= n;
      delta := delta + (m - n)::bigint * (handled + 1);
      n := m;
      FOREACH cp IN ARRAY cps LOOP
        IF cp < n THEN delta := delta + 1; END IF;
        IF cp = n THEN
          q := delta;
          k := 36;
          LOOP
            t := CASE WHEN k <= bias THEN 1 WHEN k >= bias + 26 THEN 26 ELSE k - bias END;
            EXIT WHEN q < t;
            d := t + (q - t) % (36 - t);
            output := output || chr(CASE WHEN d < 26 THEN 97 + d::integer ELSE 22 + d::integer END);
            q := (q - t) / (36 - t);
            k := k + 36;
          END LOOP;
          output := output || chr(CASE WHEN q < 26 THEN 97 + q::integer ELSE 22 + q::integer END);
          d := CASE WHEN handled = basic THEN delta / 700 ELSE delta / 2 END;
          d := d + d / (handled + 1);
          k := 0;
          WHILE d > 455 LOOP
            d := d / 35;
            k := k + 36;
          END LOOP;
          bias := k + (36 * d) / (d + 38);
          delta := 0;
          handled := handled + 1;
        END IF;
      END LOOP;
      delta := delta + 1;
      n := n + 1;
    END LOOP;
    RETURN output;
  END $$`;

const CANONICAL_INTL = `
  CREATE FUNCTION authshift_canonical_email_intl(address text) RETURNS text
  LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
  DECLARE
    nfc text := normalize(address, NFC);
    last_at integer;
    labels text[];
    label text;
    i integer;
  BEGIN
    IF strpos(nfc, '@') = 0 THEN
      RETURN translate(nfc, '${ASCII_UPPER}', '${ASCII_LOWER}');
    END IF;
    last_at := char_length(nfc) - strpos(reverse(nfc), '@') + 1;
    labels := string_to_array(substr(nfc, last_at + 1), '.');
    FOR i IN 1 .. coalesce(array_length(labels, 1), 0) LOOP
      label := translate(labels[i], '${ASCII_UPPER}', '${ASCII_LOWER}');
      IF octet_length(label) <> char_length(label) THEN
        label := 'xn--' || authshift_punycode_encode(label);
      END IF;
      labels[i] := label;
    END LOOP;
    RETURN translate(substr(nfc, 1, last_at - 1), '${ASCII_UPPER}', '${ASCII_LOWER}')
           || '@' || array_to_string(labels, '.');
  END $$`;

const CANONICAL = `
  CREATE FUNCTION authshift_canonical_email(address text) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT CASE WHEN octet_length(address) = char_length(address)
                THEN translate(btrim(address, E' \\t\\r\\n'), '${ASCII_UPPER}', '${ASCII_LOWER}')
                ELSE authshift_canonical_email_intl(btrim(address, E' \\t\\r\\n'))
           END
  $$`;

const normaliseAs = (body: string) => `
  CREATE OR REPLACE FUNCTION authshift_normalise_email(email text) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ ${body} $$`;

export const up: Migration = async ({ context: { query } }) => {
  await query(PUNYCODE_ENCODE);
  await query(CANONICAL_INTL);
  await query(CANONICAL);
  await query(normaliseAs('SELECT authshift_canonical_email(email)'));
  // Lists typed before this migration hold the old normalisation; only non-ASCII entries change.
  await query(`
    UPDATE rollout_policy p
       SET allow_emails = c.allow, deny_emails = c.deny, cohort_domains = c.domains,
           updated_by = 'migration', reason = 'e-mail lists rewritten in canonical form'
      FROM (SELECT ARRAY(SELECT DISTINCT authshift_canonical_email(e) FROM unnest(allow_emails) e ORDER BY 1) AS allow,
                   ARRAY(SELECT DISTINCT authshift_canonical_email(e) FROM unnest(deny_emails) e ORDER BY 1) AS deny,
                   ARRAY(SELECT DISTINCT substring(authshift_canonical_email('x@' || d) FROM 3)
                           FROM unnest(cohort_domains) d ORDER BY 1) AS domains
              FROM rollout_policy WHERE id = 1) c
     WHERE p.id = 1
       AND (p.allow_emails, p.deny_emails, p.cohort_domains) IS DISTINCT FROM (c.allow, c.deny, c.domains)
       AND EXISTS (SELECT 1 FROM unnest(p.allow_emails || p.deny_emails || p.cohort_domains) e
                    WHERE octet_length(e) <> char_length(e))`);
};

export const down: Migration = async ({ context: { query } }) => {
  await query(
    normaliseAs(
      `SELECT translate(btrim(email, E' \\t\\r\\n'), '${ASCII_UPPER}', '${ASCII_LOWER}')`,
    ),
  );
  await query(`DROP FUNCTION authshift_canonical_email(text)`);
  await query(`DROP FUNCTION authshift_canonical_email_intl(text)`);
  await query(`DROP FUNCTION authshift_punycode_encode(text)`);
};
