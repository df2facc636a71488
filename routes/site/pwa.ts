// The installable app: the manifest (from the company config), the service worker at the root
// scope, and the offline page it shows when the network is gone.
import type { Express } from 'express';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Services } from '../../services/index.ts';

const workerPath = fileURLToPath(new URL('../../static/sw.js', import.meta.url));
export const themeColor = '#0b5394';

/** Added to the app itself, not as a router of its own (see app.ts). */
export function pwaRoutes(app: Express, services: Services): void {
  const { company } = services.config;
  const manifest = JSON.stringify({
    name: `${company.appName} — личный кабинет`,
    short_name: company.appName,
    description: `Личный кабинет клиента ${company.shortName}: показания, оплата, счета, история`,
    lang: 'ru',
    dir: 'ltr',
    id: '/',
    start_url: '/',
    scope: '/',
    display: 'standalone',
    background_color: '#ffffff',
    theme_color: themeColor,
    icons: [
      { src: '/static/icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
      { src: '/static/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
      { src: '/static/icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
    ],
  });
  // Read once in production; in development the file is read anew so edits show at once.
  let worker: string | null = null;
  const workerSource = () => (services.config.isProduction ? (worker ??= readFileSync(workerPath, 'utf8')) : readFileSync(workerPath, 'utf8'));

  app.get('/manifest.webmanifest', (_req, res) => {
    res.type('application/manifest+json').setHeader('Cache-Control', 'public, max-age=3600');
    res.send(manifest);
  });

  // At the root so that its scope is the whole site; never cached by HTTP, so updates arrive.
  app.get('/sw.js', (_req, res) => {
    res.type('text/javascript').setHeader('Cache-Control', 'no-cache');
    res.send(workerSource());
  });

  // The same for everyone: the worker stores it without cookies, so it carries nobody's data.
  app.get('/offline', (_req, res) => {
    res.locals.user = undefined;
    res.locals.link = undefined;
    res.render('pages/offline', { title: 'Нет соединения' });
  });
}
