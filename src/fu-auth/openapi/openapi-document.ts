import { FU_AUTH_COOKIE } from '../../lib/contracts/cookies.js';
import {
  componentSchema,
  MODELS,
  ref,
  VALIDATION_SCHEMAS,
  type Json,
  type ModelName,
} from './component-schemas.js';
import { parameterTitle, responses, summary, uniqueId } from './openapi-rendering.js';
import { ROUTES, type RouteSpec } from './openapi-routes.js';

/**
 * The OpenAPI 3.1 document of `/fu_auth`, as FastAPI renders it for a fastapi-users app with the
 * same routers (operationIds, `Body_<operationId>` components, pydantic 2 schemas, declared
 * responses), so that client generators build the same client from it. The schemas come from the
 * zod schemas that validate the requests, so documentation and behaviour cannot drift.
 */

/** Security schemes of the two backends, in the authenticator's order (bearer, then cookie). */
const SECURITY = [{ OAuth2PasswordBearer: [] }, { APIKeyCookie: [] }];

type Components = Map<string, Json>;

function requestBody(route: RouteSpec, id: string, components: Components): Json | undefined {
  const { body } = route;
  if (!body) return undefined;
  let name: string;
  if ('model' in body) {
    name = body.model;
  } else {
    name = `Body_${id}`;
    components.set(name, componentSchema(body.embed, name));
  }
  const media =
    'form' in body && body.form ? 'application/x-www-form-urlencoded' : 'application/json';
  return { content: { [media]: { schema: ref(name) } }, required: true };
}

function parameters(route: RouteSpec): Json[] | undefined {
  const path = (route.pathParams ?? []).map((name) => ({
    name,
    in: 'path',
    required: true,
    schema: { type: 'string', title: parameterTitle(name) },
  }));
  const query = (route.queryParams ?? []).map(({ name, schema }) => ({
    name,
    in: 'query',
    required: false,
    schema,
  }));
  const all = [...path, ...query];
  return all.length > 0 ? all : undefined;
}

/** Every `$ref` to a component in `node`. */
function referencedNames(node: unknown): string[] {
  const text = JSON.stringify(node);
  return [...text.matchAll(/"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]!);
}

function operation(route: RouteSpec, prefix: string, components: Components): Json {
  const id = uniqueId(route, prefix);
  const op: Json = { tags: route.tags, summary: summary(route) };
  if (route.description) op.description = route.description;
  op.operationId = id;
  if (route.secured) op.security = SECURITY;
  const params = parameters(route);
  if (params) op.parameters = params;
  const body = requestBody(route, id, components);
  if (body) op.requestBody = body;
  op.responses = responses(route);
  return op;
}

/** The models the operations refer to, and FastAPI's 422 schemas when a 422 is documented. */
function addReferenced(paths: Json, components: Components): void {
  const names = new Set([...referencedNames(paths), ...referencedNames([...components.values()])]);
  for (const name of names) {
    if (components.has(name)) continue;
    const schema =
      name in MODELS ? componentSchema(MODELS[name as ModelName]) : VALIDATION_SCHEMAS[name];
    if (!schema) throw new Error(`no schema for component ${name}`);
    components.set(name, schema);
    addReferenced(schema, components);
  }
}

export function buildOpenApiDocument(
  prefix = '/fu_auth',
  routes: readonly RouteSpec[] = ROUTES,
): Json {
  const paths: Record<string, Json> = {};
  const components: Components = new Map();
  for (const route of routes.filter((r) => !r.undocumented))
    (paths[`${prefix}${route.path}`] ??= {})[route.method] = operation(route, prefix, components);
  addReferenced(paths, components);
  return {
    openapi: '3.1.0',
    info: {
      title: 'authshift /fu_auth',
      description: 'fastapi-users compatible authentication (docs/design/contracts/fu_auth.md).',
      version: '1.0.0',
    },
    paths,
    components: {
      schemas: Object.fromEntries([...components].sort(([a], [b]) => (a < b ? -1 : 1))),
      securitySchemes: {
        OAuth2PasswordBearer: {
          type: 'oauth2',
          flows: { password: { scopes: {}, tokenUrl: `${prefix.slice(1)}/jwt/login` } },
        },
        APIKeyCookie: { type: 'apiKey', in: 'cookie', name: FU_AUTH_COOKIE },
      },
    },
  };
}
