// A stand-in for the federal authentication service: the OpenID-certified `oidc-provider`
// package on loopback, with a national-number claim and a minimal sign-in form.
//
// Configured from the environment (the browser tests set it):
//   OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_REDIRECT_URI  the portal as a client
//   OIDC_ACCOUNTS        JSON {login: {claims...}}; an unknown login signs in with `sub` only
//   OIDC_NN_CLAIM        the national-number claim's name (default "national_number")
//   OIDC_NN_SCOPE        the scope that releases it (default "egovnrn")
//   OIDC_PORT            port on 127.0.0.1 (default 0: a free one)
// Prints "READY <issuer>" on stdout once it listens; stops on SIGTERM.
import { createServer } from 'node:http';

import Provider from 'oidc-provider';

const env = process.env;
const accounts = JSON.parse(env.OIDC_ACCOUNTS || '{}');
const nnClaim = env.OIDC_NN_CLAIM || 'national_number';
const nnScope = env.OIDC_NN_SCOPE || 'egovnrn';

const server = createServer();
await new Promise((resolve) => { server.listen(Number(env.OIDC_PORT || 0), '127.0.0.1', resolve); });
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: [{
    client_id: env.OIDC_CLIENT_ID,
    client_secret: env.OIDC_CLIENT_SECRET,
    redirect_uris: [env.OIDC_REDIRECT_URI],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['given_name', 'family_name', 'name'],
    [nnScope]: [nnClaim],
  },
  scopes: ['openid', 'email', 'profile', nnScope],
  async findAccount(ctx, sub) {
    return { accountId: sub, async claims() { return { sub, ...(accounts[sub] || {}) }; } };
  },
  // The portal is a first-party client: no consent screen, the requested scopes are granted.
  async loadExistingGrant(ctx) {
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope(ctx.oidc.requestParamScopes ? [...ctx.oidc.requestParamScopes].join(' ') : 'openid');
    await grant.save();
    return grant;
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  features: { devInteractions: { enabled: false } },
  cookies: { keys: ['stand-in-only-not-a-secret'] },
  pkce: { required: () => true },
});
provider.proxy = false;

const page = (uid, message = '') => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Federal authentication (stand-in)</title></head>
<body><main><h1>Federal authentication (stand-in)</h1>${message ? `<p role="alert">${message}</p>` : ''}
<form method="post" action="/interaction/${uid}/login">
<label for="login">Login</label> <input id="login" name="login" required autocomplete="off">
<button type="submit">Sign in</button></form></main></body></html>`;

async function formBody(req) {
  let body = '';
  for await (const chunk of req) body += chunk;
  return new URLSearchParams(body);
}

provider.use(async (ctx, next) => {
  const match = ctx.path.match(/^\/interaction\/([^/]+)(\/login)?$/);
  if (!match) return next();
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  if (ctx.method === 'GET' && !match[2]) {
    ctx.type = 'html';
    ctx.body = page(details.uid);
    return undefined;
  }
  if (ctx.method === 'POST' && match[2]) {
    const login = (await formBody(ctx.req)).get('login');
    const returnTo = await provider.interactionResult(
      ctx.req, ctx.res, { login: { accountId: login } }, { mergeWithLastSubmission: false },
    );
    ctx.status = 303;
    ctx.redirect(returnTo);
    return undefined;
  }
  ctx.status = 405;
  return undefined;
});

server.on('request', provider.callback());
process.on('SIGTERM', () => server.close(() => process.exit(0)));
process.stdout.write(`READY ${issuer}\n`);
