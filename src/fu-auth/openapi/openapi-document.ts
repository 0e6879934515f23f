import { z } from 'zod';
import { errorModel, httpValidationError } from '../validation/schemas.js';
import { ROUTES, type ResponseSpec, type RouteSpec } from './route-table.js';

/**
 * The OpenAPI 3.1 document of `/fu_auth`, generated from the route table and from the very zod
 * schemas that validate requests (z.toJSONSchema), so documentation and behaviour cannot drift.
 * Component names follow FastAPI's (UserRead, UserCreate, HTTPValidationError…).
 */
type Json = Record<string, unknown>;

const REF = (id: string) => `#/components/schemas/${id}`;

function components(): Record<string, Json> {
  const { schemas } = z.toJSONSchema(z.globalRegistry, {
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'any',
    uri: REF,
  }) as { schemas: Record<string, Json> };
  for (const schema of Object.values(schemas)) delete schema.$schema;
  return schemas;
}

function ref(schema: z.ZodType): Json {
  const id = z.globalRegistry.get(schema)?.id;
  if (!id) throw new Error('every documented schema needs a meta id');
  return { $ref: REF(id) };
}

function response(status: number, spec: ResponseSpec): Json {
  if (!spec.schema) return { description: spec.description };
  const schema =
    spec.schema === 'null'
      ? { type: 'null' }
      : spec.schema === 'error'
        ? ref(status === 422 ? httpValidationError : errorModel)
        : ref(spec.schema);
  return { description: spec.description, content: { 'application/json': { schema } } };
}

function operation(prefix: string, route: RouteSpec): Json {
  return {
    tags: route.tags,
    summary: route.summary,
    operationId: `${route.operationId}${prefix.replace(/\W/g, '_')}_${route.path.replace(/\W/g, '_')}_${route.method}`,
    ...(route.path.includes('{id}')
      ? {
          parameters: [
            { name: 'id', in: 'path', required: true, schema: { type: 'string', title: 'Id' } },
          ],
        }
      : {}),
    ...(route.body
      ? {
          requestBody: {
            required: true,
            content: {
              [route.body.form ? 'application/x-www-form-urlencoded' : 'application/json']: {
                schema: ref(route.body.schema),
              },
            },
          },
        }
      : {}),
    ...(route.secured ? { security: [{ OAuth2PasswordBearer: [] }, { APIKeyCookie: [] }] } : {}),
    responses: Object.fromEntries(
      Object.entries(route.responses).map(([status, spec]) => [
        status,
        response(Number(status), spec),
      ]),
    ),
  };
}

export function buildOpenApiDocument(prefix = '/fu_auth'): Json {
  const paths: Record<string, Json> = {};
  for (const route of ROUTES.filter((r) => !r.undocumented)) {
    (paths[`${prefix}${route.path}`] ??= {})[route.method] = operation(prefix, route);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'authshift /fu_auth',
      version: '1.0.0',
      description: 'fastapi-users compatible authentication (contracts/fu_auth.md).',
    },
    paths,
    components: {
      schemas: components(),
      securitySchemes: {
        OAuth2PasswordBearer: {
          type: 'oauth2',
          flows: { password: { scopes: {}, tokenUrl: `${prefix.slice(1)}/jwt/login` } },
        },
        APIKeyCookie: { type: 'apiKey', in: 'cookie', name: 'fastapiusersauth' },
      },
    },
  };
}
