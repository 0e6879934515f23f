import { expect } from 'chai';
import fc from 'fast-check';
import { boundedEcho, CUT, ECHO_BUDGET_CHARS } from '../../../../src/lib/contracts/bounded-echo.js';
import { fuErrorBody } from '../../../../src/lib/contracts/fu-error-body.js';

const json = (value: unknown) => JSON.stringify(value);

describe('bounded validation echo', () => {
  it('when the input is small, then it is echoed unchanged', () => {
    for (const value of [
      {},
      null,
      'ann@example.com',
      12,
      true,
      ['a', { b: [1, 2] }],
      { email: 'x', password: 'y' },
    ])
      expect(json(boundedEcho(value))).to.equal(json(value));
  });

  it('when a string is longer than the budget, then it is cut and marked', () => {
    const echoed = boundedEcho('a'.repeat(10_000)) as string;
    expect(echoed).to.equal(`${'a'.repeat(ECHO_BUDGET_CHARS)}${CUT}`);
  });

  it('when a cut would split a surrogate pair, then the whole pair is left out', () => {
    const echoed = boundedEcho(`${'a'.repeat(ECHO_BUDGET_CHARS - 1)}😀😀`) as string;
    expect(echoed).to.equal(`${'a'.repeat(ECHO_BUDGET_CHARS - 1)}${CUT}`);
  });

  it('when containers are long or deep, then the echo is cut and still JSON', () => {
    const long = boundedEcho(Array.from({ length: 5000 }, (_, i) => i)) as unknown[];
    expect(long.length).to.be.below(ECHO_BUDGET_CHARS + 2);
    expect(long.at(-1)).to.equal(CUT);
    let deep: unknown = 1;
    for (let i = 0; i < 30; i++) deep = [deep];
    expect(json(boundedEcho(deep))).to.have.length.below(40);
  });

  it('when the input has a __proto__ key, then it is echoed as an ordinary key', () => {
    const value = JSON.parse('{"__proto__": {"x": 1}, "a": 2}') as unknown;
    expect(json(boundedEcho(value))).to.equal('{"__proto__":{"x":1},"a":2}');
  });

  it('when any JSON value is rendered in a 422, then the body stays within a fixed size', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), fc.string({ maxLength: 3000 }), (input, msg) => {
        const { body } = fuErrorBody({
          code: 'VALIDATION_FAILED',
          status: 422,
          details: { issues: [{ type: 'value_error', loc: ['body'], msg, input, ctx: { input } }] },
        });
        expect(json(body).length).to.be.below(6 * ECHO_BUDGET_CHARS * 4);
      }),
      { seed: 11, numRuns: 200 },
    );
  });
});
