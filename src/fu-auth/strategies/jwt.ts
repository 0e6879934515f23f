/** fastapi-users' JWT helpers live in src/lib/contracts (the proxy verifies these tokens too). */
export { decodeJwt, generateJwt } from '../../lib/contracts/fu-jwt.js';
