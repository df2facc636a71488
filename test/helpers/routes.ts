// Lists the routes an Express 5 app serves, nested routers included, as method + full pattern
// (`GET /a/:link/info`), and the /api/v1 routes of the Hono app inside it. Tests use them to
// make sure every page and API route is covered by a table.
import type { Express } from 'express';
import { apiApp } from '../../routes/api/index.ts';
import type { Services } from '../../services/index.ts';

export type RouteEntry = {
  /** Upper-case HTTP method; '*' for `.all()`. HEAD is left out (Express answers it with GET). */
  method: string;
  /** The full path pattern, e.g. '/a/:link/info'; a RegExp's source as 're:<source>'. */
  pattern: string;
};

type Listed = { path: string | RegExp; methods: string[] | undefined; router: RouterLike | undefined };
type LayerLike = { route?: { path: unknown; _methods?: (includeAll?: boolean) => string[]; methods?: Record<string, boolean> }; handle?: { stack?: unknown[] }; rawPath?: unknown };
type RouterLike = { stack: LayerLike[]; listRoutes?: () => Listed[] };

/** Joins a mount path and a child path the way a request URL is built: '/a/:link' + '/info'. */
function join(prefix: string, path: string): string {
  if (prefix === '' || prefix === '/') return path.startsWith('/') ? path : `/${path}`;
  if (path === '' || path === '/') return `${prefix}/`;
  return `${prefix.replace(/\/$/, '')}${path.startsWith('/') ? '' : '/'}${path}`;
}

function asPattern(path: string | RegExp): string {
  return path instanceof RegExp ? `re:${path.source}` : path;
}

/** router.listRoutes() exists from router 2.3 (Express 5.2+); older ones are read from the stack. */
function listRoutes(router: RouterLike): Listed[] {
  if (typeof router.listRoutes === 'function') return router.listRoutes();
  const listed: Listed[] = [];
  for (const layer of router.stack) {
    const nested = !layer.route && Array.isArray(layer.handle?.stack) ? (layer.handle as RouterLike) : undefined;
    if (!layer.route && !nested) continue;
    const paths = [layer.rawPath ?? layer.route?.path].flat() as (string | RegExp | undefined)[];
    if (paths.some((p) => p === undefined)) throw new Error('routes: this router keeps no layer paths (rawPath); update the route lister');
    const methods = layer.route
      ? (layer.route._methods?.(true) ?? Object.keys(layer.route.methods ?? {}).map((m) => (m === '_all' ? '*' : m.toUpperCase())))
      : undefined;
    for (const path of paths as (string | RegExp)[]) listed.push({ path, methods, router: nested });
  }
  return listed;
}

function walk(router: RouterLike, prefix: string, out: RouteEntry[]): void {
  for (const entry of listRoutes(router)) {
    const pattern = join(prefix, asPattern(entry.path));
    if (entry.router) walk(entry.router, pattern === '/' ? '' : pattern.replace(/\/$/, ''), out);
    for (const method of entry.methods ?? []) {
      if (method === 'HEAD') continue;
      out.push({ method, pattern });
    }
  }
}

/** Every route of the app as method + full pattern, in registration order, without duplicates. */
export function listAppRoutes(app: Express): RouteEntry[] {
  const router = (app as unknown as { router?: RouterLike }).router;
  if (!router) throw new Error('routes: app.router is missing (not an Express 5 app?)');
  const out: RouteEntry[] = [];
  walk(router, '', out);
  const seen = new Set<string>();
  return out.filter((r) => {
    const key = `${r.method} ${r.pattern}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The GET patterns (including `.all()` routes, which answer GET too). */
export function listGetRoutes(app: Express): string[] {
  return [...new Set(listAppRoutes(app).filter((r) => r.method === 'GET' || r.method === '*').map((r) => r.pattern))];
}

/** Whether a concrete path falls under a pattern: '/a/5/info' under '/a/:link/info'. */
export function patternMatches(pattern: string, path: string): boolean {
  if (pattern.startsWith('re:')) return new RegExp(pattern.slice(3)).test(path);
  const source = pattern
    .split('/')
    .map((part) => (part.startsWith(':') ? '[^/]+' : part.startsWith('*') ? '.*' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${source}$`).test(path);
}

/** Every /api/v1 route of the Hono app as method + full pattern (`GET /api/v1/accounts/:link/balance`). */
export function listApiRoutes(services: Services): RouteEntry[] {
  const routes = apiApp(services, () => {}).routes.filter((r) => r.method !== 'ALL');
  const seen = new Set<string>();
  return routes
    .map((r) => ({ method: r.method, pattern: `/api/v1${r.path}` }))
    .filter((r) => !seen.has(`${r.method} ${r.pattern}`) && seen.add(`${r.method} ${r.pattern}`));
}
