import { readFileSync } from 'node:fs';

/**
 * The `/fu_auth` OpenAPI document as a FastAPI + pydantic 2 app renders it with fastapi-users'
 * routers mounted the way this project mounts them (test/fixtures/fu-auth/README.md says how it
 * was built), and the few places where our document deliberately says something else.
 */
export type OpenApiDocument = {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Record<string, unknown>> } & Record<string, unknown>;
} & Record<string, unknown>;

export type Operation = {
  operationId: string;
  responses: Record<string, unknown>;
} & Record<string, unknown>;

export function fastapiReference(): OpenApiDocument {
  const url = new URL('../fixtures/fu-auth/fastapi-reference-openapi.json', import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as OpenApiDocument;
}

type Deviation = { reason: string; apply(doc: OpenApiDocument): void };

const THROTTLED = [
  '/fu_auth/jwt/login',
  '/fu_auth/cookie/login',
  '/fu_auth/register',
  '/fu_auth/forgot-password',
  '/fu_auth/request-verify-token',
];

/**
 * Every way our document may differ from the reference; anything else is a bug. Each one must
 * leave a generated client's names unchanged (openapi-generated-client.test.ts).
 */
export const DEVIATIONS: Deviation[] = [
  {
    reason:
      'Login, registration, forgot-password and request-verify-token are rate limited (a documented improvement over ' +
      'fastapi-users): ' +
      '429 {"detail":"TOO_MANY_REQUESTS"} with Retry-After.',
    apply(doc) {
      for (const path of THROTTLED)
        doc.paths[path]!.post!.responses['429'] = {
          description: 'Too Many Requests',
          headers: {
            'Retry-After': {
              description: 'Seconds until another attempt can be accepted.',
              schema: { type: 'integer' },
            },
          },
          content: {
            'application/json': {
              schema: { $ref: '#/components/schemas/ErrorModel' },
              example: { detail: 'TOO_MANY_REQUESTS' },
            },
          },
        };
    },
  },
];

export function referenceWithDeviations(): OpenApiDocument {
  const doc = fastapiReference();
  for (const deviation of DEVIATIONS) deviation.apply(doc);
  return doc;
}
