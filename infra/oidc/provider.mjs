// A real OpenID Connect provider for tests and local development: panva's
// OpenID-certified `oidc-provider`, with one client for Think-Tank.
//
// Signing in: GET /interaction/:uid shows a login form (email); tests can
// skip it by naming who signs in for one authorization request with
// POST /test/next {"state", "email", "email_verified"?, "name"?, "misbehave"?}
// (keyed by that request's `state`, so parallel tests never take each
// other's), where misbehave is one of wrong_nonce, wrong_audience,
// wrong_issuer, wrong_azp, bad_signature, expired, future_iat, stale_iat,
// refuse; or rotated_key, a good token signed with a key published only from then on.
//
// Env: OIDC_TEST_PORT (9090), OIDC_TEST_REDIRECT_URIS (comma separated),
// OIDC_TEST_CLIENT_ID (think-tank), OIDC_TEST_CLIENT_SECRET (dev-secret).
import { createServer } from 'node:http';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import Provider from 'oidc-provider';
import { SignJWT, decodeJwt, importJWK, exportJWK } from 'jose';

const port = Number(process.env.OIDC_TEST_PORT || 9090);
const issuer = `http://127.0.0.1:${port}`;
const clientId = process.env.OIDC_TEST_CLIENT_ID || 'think-tank';
const clientSecret = process.env.OIDC_TEST_CLIENT_SECRET || 'dev-secret';
// Loopback redirect URIs of a native client match on any port (RFC 8252),
// so every test gateway, whatever port it got, is a registered redirect.
const redirectUris = (process.env.OIDC_TEST_REDIRECT_URIS
  || 'http://127.0.0.1/v1/auth/oidc/local/callback,http://localhost/v1/auth/oidc/local/callback').split(',');

const signing = await exportJWK(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey);
signing.kid = 'test-key-1';
signing.alg = 'RS256';
signing.use = 'sig';
const stranger = await exportJWK(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey);
// Keys the provider rotated to: each rotated_key sign-in makes a new one,
// published from then on, so no client can have seen it before.
const rotatedPublic = [];

async function rotateKey() {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = `rotated-${rotatedPublic.length + 1}`;
  rotatedPublic.push({ ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' });
  return { key: await exportJWK(privateKey), kid };
}

const accounts = new Map();
const queued = new Map();

const provider = new Provider(issuer, {
  clients: [{
    client_id: clientId,
    client_secret: clientSecret,
    application_type: 'native',
    redirect_uris: redirectUris,
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  jwks: { keys: [signing] },
  pkce: { required: () => true },
  features: { devInteractions: { enabled: false } },
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  conformIdTokenClaims: false,
  cookies: { keys: [randomUUID()] },
  findAccount: async (ctx, sub) => {
    const account = accounts.get(sub);
    if (!account) return undefined;
    return { accountId: sub, claims: async () => ({ sub, ...account.claims }) };
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  renderError: async (ctx, out) => {
    ctx.type = 'text/plain';
    ctx.body = `${out.error}: ${out.error_description || ''}`;
  },
});
provider.proxy = true;

// Misbehaviour applies to the next token response of the account that asked for it.
const misbehaving = new Map();

provider.use(async (ctx, next) => {
  await next();
  if (ctx.path === '/jwks' && ctx.body?.keys) {
    ctx.body = { keys: [...ctx.body.keys, ...rotatedPublic] };
    return;
  }
  if (ctx.path !== '/token' || !ctx.body || !ctx.body.id_token) return;
  const claims = decodeJwt(ctx.body.id_token);
  const how = misbehaving.get(claims.sub);
  if (!how) return;
  misbehaving.delete(claims.sub);
  const now = Math.floor(Date.now() / 1000);
  const changes = {
    wrong_nonce: { nonce: 'not-the-nonce' },
    wrong_audience: { aud: 'someone-else' },
    wrong_issuer: { iss: 'https://issuer.example' },
    wrong_azp: { azp: 'someone-else' },
    expired: { iat: now - 7200, exp: now - 3600 },
    future_iat: { iat: now + 3600, exp: now + 7200 },
    stale_iat: { iat: now - 7200, exp: now + 600 },
    bad_signature: {},
  }[how] || {};
  let [key, kid] = [how === 'bad_signature' ? stranger : signing, signing.kid];
  if (how === 'rotated_key') ({ key, kid } = await rotateKey());
  ctx.body.id_token = await new SignJWT({ ...claims, ...changes })
    .setProtectedHeader({ alg: 'RS256', kid })
    .sign(await importJWK(key, 'RS256'));
});

function page(uid, error) {
  return `<!doctype html><html><head><title>Sign in - test provider</title></head><body>
<h1>Sign in to the test provider</h1>${error ? `<p role="alert">${error}</p>` : ''}
<form method="post" action="/interaction/${uid}/login">
<label>Email <input name="email" type="email" autocomplete="username" required></label>
<button type="submit">Sign in</button></form>
<form method="post" action="/interaction/${uid}/abort"><button type="submit">Cancel</button></form>
</body></html>`;
}

function account(next) {
  const sub = `sub-${next.email}`;
  accounts.set(sub, {
    claims: {
      email: next.email,
      email_verified: next.email_verified !== false,
      name: next.name || next.email.split('@')[0],
    },
  });
  return sub;
}

async function finish(req, res, next) {
  const details = await provider.interactionDetails(req, res);
  if (next.misbehave === 'refuse') {
    return provider.interactionFinished(req, res, {
      error: 'access_denied', error_description: 'the user refused',
    }, { mergeWithLastSubmission: false });
  }
  const sub = account(next);
  if (next.misbehave) misbehaving.set(sub, next.misbehave);
  const grant = new provider.Grant({ accountId: sub, clientId: details.params.client_id });
  grant.addOIDCScope(details.params.scope || 'openid email profile');
  const grantId = await grant.save();
  return provider.interactionFinished(req, res, {
    login: { accountId: sub }, consent: { grantId },
  }, { mergeWithLastSubmission: false });
}

async function body(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks).toString();
}

const callback = provider.callback();
const server = createServer(async (req, res) => {
  try {
    const url = new URL(req.url, issuer);
    if (req.method === 'POST' && url.pathname === '/test/next') {
      const next = JSON.parse(await body(req));
      queued.set(next.state, next);
      res.writeHead(204).end();
      return;
    }
    const interaction = url.pathname.match(/^\/interaction\/([^/]+)(\/login|\/abort)?$/);
    if (interaction) {
      const [, uid, action] = interaction;
      if (!action) {
        const { params } = await provider.interactionDetails(req, res);
        const next = queued.get(params.state);
        if (next) {
          queued.delete(params.state);
          return await finish(req, res, next);
        }
        res.writeHead(200, { 'content-type': 'text/html' }).end(page(uid));
        return;
      }
      if (action === '/abort') return await finish(req, res, { misbehave: 'refuse' });
      const email = new URLSearchParams(await body(req)).get('email');
      if (!email) {
        res.writeHead(400, { 'content-type': 'text/html' }).end(page(uid, 'Enter an email.'));
        return;
      }
      return await finish(req, res, { email });
    }
    callback(req, res);
  } catch (err) {
    res.writeHead(500, { 'content-type': 'text/plain' }).end(String(err));
  }
});

server.listen(port, '127.0.0.1', () => console.log(`oidc test provider on ${issuer}`));
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.close(() => process.exit(0)));
