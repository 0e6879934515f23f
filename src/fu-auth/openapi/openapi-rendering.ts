import { STATUS_CODES } from 'node:http';
import { isObject, ref, type Json } from './component-schemas.js';
import type { DeclaredResponse } from './declared-responses.js';
import type { RouteSpec } from './openapi-routes.js';

/**
 * FastAPI's rules for turning a route into an OpenAPI operation (fastapi/utils.py and
 * fastapi/openapi/utils.py, FastAPI 0.1xx), applied to the route table.
 * @see https://github.com/fastapi/fastapi/blob/master/fastapi/openapi/utils.py
 */

/** `generate_unique_id`: name + path_format, every non-word character as `_`, then `_<method>`. */
export function uniqueId(route: RouteSpec, prefix: string): string {
  return `${route.name}${prefix}${route.path}`.replace(/\W/g, '_') + `_${route.method}`;
}

/** Python's `str.title()`: each run of letters capitalised, the rest of the run lower-cased. */
const pythonTitle = (text: string): string =>
  text.replace(/[A-Za-z]+/g, (word) => word[0]!.toUpperCase() + word.slice(1).toLowerCase());

/** `generate_operation_summary`: `route.name.replace("_", " ").title()`. */
export const summary = (route: RouteSpec): string => pythonTitle(route.name.replaceAll('_', ' '));

export const parameterTitle = (name: string): string => pythonTitle(name).replaceAll('_', ' ');

const VALIDATION_ERROR_RESPONSE: Json = {
  description: 'Validation Error',
  content: { 'application/json': { schema: ref('HTTPValidationError') } },
};

/** FastAPI's `deep_dict_update`: objects merge, arrays concatenate, anything else is replaced. */
function deepUpdate(main: Json, update: Json): void {
  for (const [key, value] of Object.entries(update)) {
    const current = main[key];
    if (isObject(current) && isObject(value)) deepUpdate(current, value);
    else if (Array.isArray(current) && Array.isArray(value)) main[key] = [...current, ...value];
    else main[key] = structuredClone(value);
  }
}

/** `is_body_allowed_for_status_code` */
const bodyAllowed = (status: number): boolean => status >= 200 && ![204, 205, 304].includes(status);

/** The route's own response: `response_description` and, when a body is allowed, its schema. */
function defaultResponse(route: RouteSpec): [string, Json] {
  const status = route.status ?? 200;
  const response: Json = { description: 'Successful Response' };
  if (bodyAllowed(status)) {
    const schema = route.responseModel ? ref(route.responseModel) : {};
    response.content = { 'application/json': { schema } };
  }
  return [String(status), response];
}

/** One of the route's `responses=` merged into what is there already. */
function mergeDeclared(existing: Json, status: number, declared: DeclaredResponse): void {
  const { model, ...rest } = structuredClone(declared);
  if (model) {
    const content = (rest.content ??= {});
    const media = (content['application/json'] ??= {});
    media.schema = { ...(isObject(media.schema) ? media.schema : {}), ...ref(model) };
  }
  const description = rest.description ?? existing.description ?? STATUS_CODES[status];
  deepUpdate(existing, rest);
  existing.description = description;
}

/** The operation's `responses`, with FastAPI's automatic 422 when the route has parameters. */
export function responses(route: RouteSpec): Json {
  const [status, response] = defaultResponse(route);
  const all: Record<string, Json> = { [status]: response };
  for (const [code, declared] of Object.entries(route.responses ?? {}))
    mergeDeclared((all[code] ??= {}), Number(code), declared);
  if ((route.pathParams?.length || route.queryParams?.length || route.body) && !('422' in all))
    all['422'] = VALIDATION_ERROR_RESPONSE;
  return all;
}
