import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createClient } from '@hey-api/openapi-ts';
import { expect } from 'chai';
import ts from 'typescript';
import { buildOpenApiDocument } from '../../../src/fu-auth/openapi/openapi-document.js';
import { fastapiReference } from '../../helpers/fastapi-reference.js';

/** Generates a client with @hey-api/openapi-ts's default plugins (types, sdk, fetch client). */
async function generateClient(dir: string, name: string, document: unknown): Promise<string> {
  const input = path.join(dir, `${name}.json`);
  const output = path.join(dir, name);
  await mkdir(output);
  await writeFile(input, JSON.stringify(document));
  await createClient({ input, output, logs: { level: 'silent' } });
  return path.join(output, 'index.ts');
}

/** The names a client's entry module exports (functions, types, re-exports), via the TS checker. */
function exportedNames(entry: string): string[] {
  const program = ts.createProgram([entry], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  const module = checker.getSymbolAtLocation(program.getSourceFile(entry)!)!;
  return checker
    .getExportsOfModule(module)
    .map((symbol) => symbol.getName())
    .sort();
}

describe('/fu_auth OpenAPI document in a client generator (@hey-api/openapi-ts)', function () {
  this.timeout(120_000);
  let dir: string;
  let ours: string[];
  let reference: string[];

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'authshift-openapi-client-'));
    ours = exportedNames(await generateClient(dir, 'ours', buildOpenApiDocument('/fu_auth')));
    reference = exportedNames(await generateClient(dir, 'reference', fastapiReference()));
  });

  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('when clients are generated from our document and from the FastAPI reference, then they export the same names', () => {
    expect(reference.length).to.be.greaterThan(80);
    expect(ours).to.deep.equal(reference);
  });

  it('when a client is generated from our document, then it has FastAPI-named functions and body types', () => {
    expect(ours).to.include.members([
      'authJwtLoginFuAuthJwtLoginPost',
      'authCookieLoginFuAuthCookieLoginPost',
      'usersUserFuAuthUsersIdGet',
      'BodyAuthJwtLoginFuAuthJwtLoginPost',
      'BodyAuthCookieLoginFuAuthCookieLoginPost',
      'BodyResetForgotPasswordFuAuthForgotPasswordPost',
      'BodyResetResetPasswordFuAuthResetPasswordPost',
      'BodyVerifyRequestTokenFuAuthRequestVerifyTokenPost',
      'BodyVerifyVerifyFuAuthVerifyPost',
      'UserCreate',
      'UserRead',
      'UserUpdate',
      'ErrorModel',
      'HttpValidationError',
      'ValidationError',
    ]);
  });
});
