import { parse } from 'node:url';
import { expect } from 'chai';
import { parsedTarget } from '../../../../proxy/http/upstream-proxies.js';

describe('upstream target', () => {
  for (const target of [
    'http://127.0.0.1:3000',
    'http://localhost',
    'http://monolith.internal:8080/prefix',
    'http://[::1]:3000/',
  ]) {
    it(`when the upstream is ${target}, then http-proxy gets the fields url.parse would give it`, () => {
      const legacy = parse(target);
      expect(parsedTarget(target)).to.deep.equal({
        protocol: legacy.protocol,
        host: legacy.host,
        hostname: legacy.hostname,
        port: legacy.port,
        path: legacy.path,
      });
    });
  }
});
