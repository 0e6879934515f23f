import { z } from 'zod';
import {
  bearerResponse,
  errorModel,
  oauth2AuthorizeResponse,
  userCreate,
  userRead,
  userUpdate,
} from '../validation/schemas.js';

export type Json = Record<string, unknown>;

export const ref = (name: string): Json => ({ $ref: `#/components/schemas/${name}` });

/** The pydantic models the routes name, under their class names (FastAPI's component names). */
export const MODELS = {
  BearerResponse: bearerResponse,
  ErrorModel: errorModel,
  OAuth2AuthorizeResponse: oauth2AuthorizeResponse,
  UserCreate: userCreate,
  UserRead: userRead,
  UserUpdate: userUpdate,
} satisfies Record<string, z.ZodType>;

export type ModelName = keyof typeof MODELS;

/**
 * FastAPI's own definitions for its 422 body (not pydantic models: constants in
 * fastapi/openapi/utils.py, `validation_error_definition` and `validation_error_response_definition`).
 */
export const VALIDATION_SCHEMAS: Record<string, Json> = {
  HTTPValidationError: {
    title: 'HTTPValidationError',
    type: 'object',
    properties: { detail: { title: 'Detail', type: 'array', items: ref('ValidationError') } },
  },
  ValidationError: {
    title: 'ValidationError',
    type: 'object',
    properties: {
      loc: {
        title: 'Location',
        type: 'array',
        items: { anyOf: [{ type: 'string' }, { type: 'integer' }] },
      },
      msg: { title: 'Message', type: 'string' },
      type: { title: 'Error Type', type: 'string' },
      input: { title: 'Input' },
      ctx: { title: 'Context', type: 'object' },
    },
    required: ['loc', 'msg', 'type'],
  },
};

export const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** zod's spelling of a few constructs rewritten the way pydantic 2 spells them. */
function pydanticStyle(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(pydanticStyle);
  if (!isObject(node)) return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node)) out[key] = pydanticStyle(value);
  // Optional[X] is `anyOf: [X, null]` in pydantic; zod writes `type: [X, "null"]`.
  if (Array.isArray(out.type) && out.type.length === 2 && out.type.includes('null')) {
    const other = out.type.find((t) => t !== 'null');
    delete out.type;
    out.anyOf = [{ type: other }, { type: 'null' }];
  }
  // pydantic's UUID is its format alone; zod adds the RFC 9562 pattern.
  if (out.format === 'uuid') delete out.pattern;
  // dict[str, X]: object keys are strings anyway; pydantic says nothing about them.
  if (isObject(out.propertyNames) && Object.keys(out.propertyNames).join() === 'type')
    delete out.propertyNames;
  return out;
}

/**
 * A zod schema as pydantic 2 renders the model it mirrors, as an OpenAPI 3.1 component: JSON Schema
 * 2020-12 with no `$schema` and no `$id` (2020-12 forbids a fragment in `$id`). Input mode also
 * fits response models: pydantic does not mark a field with a default as required in either mode.
 */
export function componentSchema(schema: z.ZodType, title?: string): Json {
  const json = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'any',
    override: ({ zodSchema, jsonSchema }) => {
      // zod drops a `default` from a transforming schema's input side (pyBool is a preprocess);
      // a default in the meta is pydantic's documented default, so it stays.
      const meta = z.globalRegistry.get(zodSchema);
      if (meta && 'default' in meta) jsonSchema.default = meta.default;
    },
  }) as Json;
  delete json.$schema;
  const rendered = pydanticStyle(json) as Json;
  return title ? { ...rendered, title } : rendered;
}
