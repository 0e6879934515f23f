import { Validator } from '@seriousme/openapi-schema-validator';
import { expect } from 'chai';
import { buildOpenApiDocument } from '../../../src/fu-auth/openapi/openapi-document.js';
import { routeTable } from '../../../src/fu-auth/openapi/oauth-routes.js';
import { methodsAt } from '../../../src/fu-auth/openapi/openapi-routes.js';
import type { OpenApiDocument } from '../../helpers/fastapi-reference.js';

const PROVIDERS = [
  { name: 'google', backend: 'jwt' as const },
  { name: 'corp-idp', backend: 'cookie' as const },
];
const doc = () => buildOpenApiDocument('/fu_auth', routeTable(PROVIDERS)) as OpenApiDocument;

/** The OAuth routers in `/fu_auth/openapi.json`, as FastAPI renders fastapi-users' routers. */
describe('/fu_auth OpenAPI document with OAuth providers', () => {
  it("when providers are configured, then each has its four operations with FastAPI's operationIds", () => {
    const ids = Object.entries(doc().paths)
      .filter(([path]) => /google|corp-idp/.test(path))
      .flatMap(([path, methods]) =>
        Object.keys(methods).map((m) => [path, methods[m]!.operationId]),
      );
    expect(ids).to.deep.equal([
      ['/fu_auth/google/authorize', 'oauth_google_jwt_authorize_fu_auth_google_authorize_get'],
      ['/fu_auth/google/callback', 'oauth_google_jwt_callback_fu_auth_google_callback_get'],
      [
        '/fu_auth/associate/google/authorize',
        'oauth_associate_google_authorize_fu_auth_associate_google_authorize_get',
      ],
      [
        '/fu_auth/associate/google/callback',
        'oauth_associate_google_callback_fu_auth_associate_google_callback_get',
      ],
      [
        '/fu_auth/corp-idp/authorize',
        'oauth_corp_idp_cookie_authorize_fu_auth_corp_idp_authorize_get',
      ],
      [
        '/fu_auth/corp-idp/callback',
        'oauth_corp_idp_cookie_callback_fu_auth_corp_idp_callback_get',
      ],
      [
        '/fu_auth/associate/corp-idp/authorize',
        'oauth_associate_corp_idp_authorize_fu_auth_associate_corp_idp_authorize_get',
      ],
      [
        '/fu_auth/associate/corp-idp/callback',
        'oauth_associate_corp_idp_callback_fu_auth_associate_corp_idp_callback_get',
      ],
    ]);
  });

  it('when rendered, then authorize answers OAuth2AuthorizeResponse and the callback takes httpx-oauth parameters and documents 400', () => {
    const document = doc();
    const authorize = document.paths['/fu_auth/google/authorize']!.get!;
    expect(authorize.parameters).to.deep.equal([
      {
        name: 'scopes',
        in: 'query',
        required: false,
        schema: { type: 'array', items: { type: 'string' }, title: 'Scopes' },
      },
    ]);
    expect(authorize.responses['200']).to.deep.equal({
      description: 'Successful Response',
      content: {
        'application/json': { schema: { $ref: '#/components/schemas/OAuth2AuthorizeResponse' } },
      },
    });
    expect(document.components.schemas.OAuth2AuthorizeResponse).to.deep.equal({
      type: 'object',
      properties: { authorization_url: { type: 'string', title: 'Authorization Url' } },
      required: ['authorization_url'],
      title: 'OAuth2AuthorizeResponse',
    });
    const callback = document.paths['/fu_auth/google/callback']!.get!;
    expect(callback.description).to.equal(
      'The response varies based on the authentication backend used.',
    );
    expect((callback.parameters as { name: string }[]).map((p) => p.name)).to.deep.equal([
      'code',
      'code_verifier',
      'state',
      'error',
    ]);
    expect(Object.keys(callback.responses)).to.deep.equal(['200', '400', '422']);
    expect(callback.security).to.equal(undefined);
    expect(document.paths['/fu_auth/associate/google/callback']!.get!.security).to.have.length(2);
  });

  it('when rendered with providers, then the document is valid OpenAPI 3.1', async () => {
    const result = await new Validator().validate(structuredClone(doc()));
    expect(result.valid, JSON.stringify(result.errors)).to.equal(true);
  });

  it('when a provider route is asked with another method, then its methods are known (405 with Allow)', () => {
    expect(methodsAt('/google/authorize', routeTable(PROVIDERS))).to.deep.equal(['GET']);
    expect(methodsAt('/associate/corp-idp/callback', routeTable(PROVIDERS))).to.deep.equal(['GET']);
    expect(methodsAt('/google/authorize')).to.deep.equal([]);
  });
});
