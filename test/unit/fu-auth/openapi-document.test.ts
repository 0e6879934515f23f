import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { expect } from 'chai';
import { buildOpenApiDocument } from '../../../src/fu-auth/openapi/openapi-document.js';
import { ROUTES } from '../../../src/fu-auth/openapi/openapi-routes.js';
import {
  fastapiReference,
  referenceWithDeviations,
  type OpenApiDocument,
} from '../../helpers/fastapi-reference.js';

const doc = (): OpenApiDocument => buildOpenApiDocument('/fu_auth') as OpenApiDocument;

function operations(document: OpenApiDocument): [string, string, string][] {
  return Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]): [string, string, string] => [
      method,
      path,
      op.operationId,
    ]),
  );
}

/**
 * Ajv's 2020-12 build in strict mode, knowing the formats OpenAPI 3.1 documents use. strictTypes
 * stays off: pydantic puts a field's `json_schema_extra` (`format: password`) beside `anyOf`,
 * which 2020-12 allows (a format ignores non-strings) but that lint rejects.
 */
function strictAjv(): Ajv2020 {
  const ajv = new Ajv2020({
    strict: true,
    strictTypes: false,
    strictRequired: true,
    allErrors: true,
  });
  (addFormats as unknown as (a: Ajv2020) => void)(ajv);
  ajv.addFormat('password', true); // OpenAPI's format registry: a UI hint, any string
  ajv.addKeyword({ keyword: 'components' }); // the container the $refs point into
  return ajv;
}

describe('/fu_auth OpenAPI document (FastAPI rendering)', () => {
  it('when built, then every operationId is FastAPI generate_unique_id(route): name + path with non-word characters as _ + method', () => {
    expect(operations(doc()).map(([, , id]) => id)).to.deep.equal([
      'auth_jwt_login_fu_auth_jwt_login_post',
      'auth_jwt_logout_fu_auth_jwt_logout_post',
      'auth_cookie_login_fu_auth_cookie_login_post',
      'auth_cookie_logout_fu_auth_cookie_logout_post',
      'register_register_fu_auth_register_post',
      'reset_forgot_password_fu_auth_forgot_password_post',
      'reset_reset_password_fu_auth_reset_password_post',
      'verify_request_token_fu_auth_request_verify_token_post',
      'verify_verify_fu_auth_verify_post',
      'users_current_user_fu_auth_users_me_get',
      'users_patch_current_user_fu_auth_users_me_patch',
      'users_user_fu_auth_users__id__get',
      'users_patch_user_fu_auth_users__id__patch',
      'users_delete_user_fu_auth_users__id__delete',
    ]);
  });

  it('when built, then the components are named as FastAPI names them (one Body_<operationId> per embedded or form body)', () => {
    expect(Object.keys(doc().components.schemas).sort()).to.deep.equal([
      'BearerResponse',
      'Body_auth_cookie_login_fu_auth_cookie_login_post',
      'Body_auth_jwt_login_fu_auth_jwt_login_post',
      'Body_reset_forgot_password_fu_auth_forgot_password_post',
      'Body_reset_reset_password_fu_auth_reset_password_post',
      'Body_verify_request_token_fu_auth_request_verify_token_post',
      'Body_verify_verify_fu_auth_verify_post',
      'ErrorModel',
      'HTTPValidationError',
      'UserCreate',
      'UserRead',
      'UserUpdate',
      'ValidationError',
    ]);
  });

  it('when built, then UserCreate keeps pydantic defaults and UserUpdate is anyOf-nullable without defaults', () => {
    const { UserCreate, UserUpdate } = doc().components.schemas as Record<
      string,
      { properties: Record<string, Record<string, unknown>>; required?: string[] }
    >;
    expect(UserCreate!.properties.is_active).to.deep.equal({
      anyOf: [{ type: 'boolean' }, { type: 'null' }],
      title: 'Is Active',
      default: true,
    });
    expect(UserCreate!.properties.is_superuser!.default).to.equal(false);
    expect(UserCreate!.properties.is_verified!.default).to.equal(false);
    expect(UserCreate!.required).to.deep.equal(['email', 'password']);
    expect(UserUpdate!.required).to.equal(undefined);
    expect(UserUpdate!.properties.email).to.deep.equal({
      anyOf: [{ type: 'string', format: 'email' }, { type: 'null' }],
      title: 'Email',
    });
  });

  it('when built, then it equals the FastAPI reference rendering except for the listed deviations', () => {
    expect(doc()).to.deep.equal(referenceWithDeviations());
  });

  it('when built, then no schema has an $id and every component compiles and validates under strict JSON Schema 2020-12', () => {
    for (const document of [doc(), fastapiReference()]) strictlyValid(document);
    const ajv = strictAjv();
    ajv.addSchema({ $id: 'urn:fu-auth:openapi', components: doc().components });
    const userCreate = ajv.getSchema('urn:fu-auth:openapi#/components/schemas/UserCreate')!;
    expect(userCreate({ email: 'a@example.com', password: 'x', is_active: null })).to.equal(true);
    expect(userCreate({ email: 'not-an-email', password: 'x' })).to.equal(false);
  });

  function strictlyValid(document: OpenApiDocument): void {
    const ajv = strictAjv();
    ajv.addSchema({ $id: 'urn:fu-auth:openapi', components: document.components });
    for (const [name, schema] of Object.entries(document.components.schemas)) {
      // The 2020-12 meta-schema itself: e.g. "$id" must not contain a fragment.
      expect(ajv.validateSchema(schema), `${name}: ${ajv.errorsText()}`).to.equal(true);
      const validate = ajv.getSchema(`urn:fu-auth:openapi#/components/schemas/${name}`);
      expect(validate, name).to.be.a('function');
    }
    expect(JSON.stringify(document)).to.not.contain('"$id"');
  }

  it('when built, then it and the reference are valid OpenAPI 3.1 documents', async () => {
    for (const document of [doc(), fastapiReference()]) {
      const result = await new Validator().validate(structuredClone(document));
      expect(result.valid, JSON.stringify(result.errors)).to.equal(true);
    }
  });

  it('when the reference is read, then it describes exactly the routes of the route table', () => {
    const table = ROUTES.filter((r) => !r.undocumented).map((r) => `${r.method} /fu_auth${r.path}`);
    const reference = operations(fastapiReference()).map(([method, path]) => `${method} ${path}`);
    expect(reference.sort()).to.deep.equal(table.sort());
  });
});
