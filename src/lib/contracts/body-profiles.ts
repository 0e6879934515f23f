/**
 * Which body formats each auth route reads, shared by the monolith's routes and the proxy's route
 * table so the two read a body the same way (docs/proxy.md, "Unreadable bodies"). A body in a format a
 * route does not read is not parsed: the route sees it as text (fastapi-users' JSON routes answer
 * 422 about it) or as nothing (the legacy routes: every field "required").
 */
export interface BodyAccepts {
  json?: true;
  urlencoded?: true;
  multipart?: true;
}

/** Legacy `POST /auth/login` (both engines): JSON or a URL-encoded form. */
export const LEGACY_LOGIN_BODY: BodyAccepts = { json: true, urlencoded: true };
/** Every other legacy body (register, change-password): JSON. */
export const LEGACY_JSON_BODY: BodyAccepts = { json: true };
/** The `/api/*` resources (contacts): JSON, read by the same reader with a larger limit. */
export const API_JSON_BODY: BodyAccepts = { json: true };
/** fastapi-users' OAuth2 password form (`/jwt/login`, `/cookie/login`). */
export const FU_FORM_BODY: BodyAccepts = { urlencoded: true, multipart: true };
/** fastapi-users' JSON routes (register, forgot/reset-password, verify, PATCH users). */
export const FU_JSON_BODY: BodyAccepts = { json: true };
