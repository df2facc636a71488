// An HTTP client that keeps cookies like a browser with JS off, and reads pages with cheerio.
import * as cheerio from 'cheerio';

export type Page = {
  status: number;
  headers: Headers;
  text: string;
  location: string | null;
  $: cheerio.CheerioAPI;
};

export type Client = ReturnType<typeof createClient>;

export function createClient(baseUrl: string, defaults: { headers?: Record<string, string> } = {}) {
  const jar = new Map<string, string>();

  function remember(headers: Headers): void {
    for (const line of headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some((a) => /expires=thu, 01 jan 1970/i.test(a.trim()) || /^max-age=0$/i.test(a.trim()));
      if (expired || value === '') jar.delete(name);
      else jar.set(name, value);
    }
  }

  async function request(method: string, path: string, init: { body?: string | FormData; headers?: Record<string, string> } = {}): Promise<Page> {
    const headers: Record<string, string> = { ...defaults.headers, ...init.headers };
    if (jar.size > 0) headers.cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const response = await fetch(new URL(path, baseUrl), { method, headers, body: init.body, redirect: 'manual' });
    remember(response.headers);
    const text = await response.text();
    return { status: response.status, headers: response.headers, text, location: response.headers.get('location'), $: cheerio.load(text) };
  }

  const client = {
    jar,
    cookie: (name: string) => jar.get(name),
    get: (path: string, headers?: Record<string, string>) => request('GET', path, { headers }),
    /** POSTs a urlencoded form; the CSRF token from the cookie is added unless given. */
    async post(path: string, form: Record<string, string | string[]>, headers?: Record<string, string>): Promise<Page> {
      if (!jar.has('svet_csrf')) await client.get('/login');
      const body = new URLSearchParams();
      if (!('_csrf' in form)) body.append('_csrf', jar.get('svet_csrf') ?? '');
      for (const [key, value] of Object.entries(form)) for (const v of [value].flat()) body.append(key, v);
      return request('POST', path, { body: body.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers } });
    },
    /** Follows a redirect chain with GETs, as a browser does after POST/303. */
    async follow(page: Page, limit = 5): Promise<Page> {
      let current = page;
      for (let i = 0; i < limit && current.location; i++) current = await client.get(current.location);
      return current;
    },
  };
  return client;
}
