/**
 * A pydantic/FastAPI-shaped validation issue (`{type, loc, msg, input, ctx}`): the one shape every
 * surface renders its 422 from (fastapi-users as is, the legacy API as `fields`).
 */
export interface ValidationIssue {
  type: string;
  loc: (string | number)[];
  msg: string;
  input?: unknown;
  ctx?: Record<string, unknown>;
}

/** What a surface renderer needs of an error: its registry code and status, and its details. */
export interface RenderableError {
  code: string;
  status: number;
  details: { issues?: ValidationIssue[]; reason?: string };
}
