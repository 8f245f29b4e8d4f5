// Local OpenID Provider for jwt-runtime integration tests.
//
// Runs panva's certified `oidc-provider` on 127.0.0.1 with one
// client_credentials client and two JWT resource servers (RS256 and ES256).
// Signing keys are generated at every start; nothing secret is committed.
//
// Usage: node server.mjs [PORT]     (or PORT=... node server.mjs; 0 = any free port)
// Prints exactly one line to stdout when ready:
//   listening on http://127.0.0.1:<port>
// Set IDP_VERBOSE=1 to see oidc-provider's notices and server errors on stderr.

import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';

const verbose = process.env.IDP_VERBOSE === '1';

// oidc-provider writes NOTICE lines with console.info (stdout) and WARNING
// lines with console.warn (e.g. "Unsupported runtime" on Node 20, the
// in-memory adapter). stdout must carry only the "listening on" line, so
// route everything to stderr and drop it unless IDP_VERBOSE=1.
const toStderr = (...args) => { if (verbose) console.error(...args); };
console.log = toStderr;
console.info = toStderr;
console.warn = toStderr;
console.debug = toStderr;

const { default: Provider, errors } = await import('oidc-provider');

const HOST = '127.0.0.1';
const rawPort = process.argv[2] ?? process.env.PORT ?? '0';
const requestedPort = Number(rawPort);
if (!Number.isInteger(requestedPort) || requestedPort < 0 || requestedPort > 65535) {
  process.stderr.write(`invalid port: ${rawPort}\n`);
  process.exit(2);
}

const CLIENT_ID = 'jwt-runtime-test';
const CLIENT_SECRET = 'jwt-runtime-test-secret';
const ACCESS_TOKEN_TTL = 300; // seconds

// Resource Servers (RFC 8707 resource indicators) -> JWT access token settings.
const RESOURCE_SERVERS = {
  'urn:jwt-runtime:api': {
    scope: 'items:read items:write',
    audience: 'urn:jwt-runtime:api',
    accessTokenFormat: 'jwt',
    accessTokenTTL: ACCESS_TOKEN_TTL,
    jwt: { sign: { alg: 'RS256' } },
  },
  'urn:jwt-runtime:api-es256': {
    scope: 'items:read items:write',
    audience: 'urn:jwt-runtime:api-es256',
    accessTokenFormat: 'jwt',
    accessTokenTTL: ACCESS_TOKEN_TTL,
    jwt: { sign: { alg: 'ES256' } },
  },
};

function signingJwk(type, options, alg) {
  const { privateKey } = generateKeyPairSync(type, options);
  const kid = `${alg.toLowerCase()}-${randomBytes(6).toString('hex')}`;
  return { ...privateKey.export({ format: 'jwk' }), kid, alg, use: 'sig' };
}

const jwks = {
  keys: [
    signingJwk('rsa', { modulusLength: 2048 }, 'RS256'),
    signingJwk('ec', { namedCurve: 'P-256' }, 'ES256'),
  ],
};

// Listen first so that port 0 resolves to a real port before the issuer is fixed.
const server = createServer();
server.on('error', (err) => {
  process.stderr.write(`idp: ${err.message}\n`);
  process.exit(1);
});
await new Promise((resolve) => server.listen(requestedPort, HOST, resolve));
const { port } = server.address();
const issuer = `http://${HOST}:${port}`;

const provider = new Provider(issuer, {
  clients: [{
    client_id: CLIENT_ID,
    client_secret: CLIENT_SECRET,
    grant_types: ['client_credentials'],
    response_types: [],
    redirect_uris: [],
    token_endpoint_auth_method: 'client_secret_post',
  }],
  jwks,
  cookies: { keys: [randomBytes(32).toString('base64url')] },
  clientBasedCORS: () => false,
  ttl: {
    AccessToken: (ctx, token) => token.resourceServer?.accessTokenTTL ?? ACCESS_TOKEN_TTL,
    ClientCredentials: (ctx, token) => token.resourceServer?.accessTokenTTL ?? ACCESS_TOKEN_TTL,
  },
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: async () => undefined, // `resource` must be sent explicitly
      useGrantedResource: async () => false,
      getResourceServerInfo: async (ctx, resourceIndicator) => {
        const info = RESOURCE_SERVERS[resourceIndicator];
        if (!info) throw new errors.InvalidTarget();
        return structuredClone(info);
      },
    },
  },
});

if (verbose) {
  provider.on('server_error', (ctx, err) => console.error('server_error', err));
  provider.on('grant.error', (ctx, err) => console.error('grant.error', err.message, err.error_description ?? ''));
}

server.on('request', provider.callback());

let closing = false;
function shutdown() {
  if (closing) return;
  closing = true;
  server.close(() => process.exit(0));
  server.closeAllConnections();
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);

process.stdout.write(`listening on ${issuer}\n`);
