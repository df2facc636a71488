// Logs in over HTTP as a browser does: the CSRF cookie and field from GET /login, then POST /login.
/** csrf is the form token that goes with the CSRF cookie inside `cookie`. */
export type Session = { cookie: string; home: string; csrf: string };

function cookiesOf(response: Response): string[] {
  return response.headers.getSetCookie().map((header) => header.split(';')[0]);
}

export async function logIn(baseUrl: string, accountNumber: string, password: string): Promise<Session> {
  const page = await fetch(`${baseUrl}/login`);
  const csrfCookie = cookiesOf(page).find((cookie) => /svet_csrf=/.test(cookie));
  const csrfField = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1];
  if (!csrfCookie || !csrfField) throw new Error('GET /login gave no CSRF cookie or field');
  const response = await fetch(`${baseUrl}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: csrfCookie },
    body: new URLSearchParams({ accountNumber, password, _csrf: csrfField }).toString(),
  });
  const sessionCookie = cookiesOf(response).find((cookie) => /svet_session=/.test(cookie));
  const home = response.headers.get('location');
  if (response.status !== 303 || !sessionCookie || !home?.startsWith('/a/')) {
    throw new Error(`POST /login answered ${response.status} ${home ?? ''}`);
  }
  return { cookie: `${sessionCookie}; ${csrfCookie}`, home, csrf: csrfField };
}

/** Logs in to the JSON API: a bearer token and the primary link's id. */
export async function apiLogIn(baseUrl: string, accountNumber: string, password: string): Promise<ApiSession> {
  const login = await fetch(`${baseUrl}/api/v1/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ accountNumber, password }) });
  if (login.status !== 200) throw new Error(`POST /api/v1/login answered ${login.status}`);
  const { token } = (await login.json()) as { token: string };
  const accounts = (await (await fetch(`${baseUrl}/api/v1/accounts`, { headers: { authorization: `Bearer ${token}` } })).json()) as { accounts: { id: number }[] };
  return { token, link: accounts.accounts[0].id };
}

export type ApiSession = { token: string; link: number };

/** A reading form body a little above each zone's last accepted reading (from the form's hints). */
export async function readingFormBody(baseUrl: string, session: Session): Promise<string> {
  const page = await (await fetch(`${baseUrl}${session.home}readings`, { headers: { cookie: session.cookie } })).text();
  const body = new URLSearchParams({ _csrf: session.csrf });
  for (const match of page.matchAll(/name="(zone\d)"/g)) {
    const hint = new RegExp(`id="${match[1]}-hint">Предыдущие принятые: (\\d+)`).exec(page);
    body.set(match[1], String(Number(hint?.[1] ?? 0) + 5));
  }
  if (!body.has('zone1')) throw new Error('the demo user has no reading form');
  return body.toString();
}
