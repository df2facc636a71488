// The sandbox bank's HTTP app: form bodies parsed, the REST API under /payment/rest, the hosted
// pages, and a page of its own for any other address.
import express, { type Express } from 'express';
import { apiRouter } from './api.ts';
import { addPages, render } from './pages.ts';
import type { SandboxContext } from './sandbox-bank.ts';
import { addSbpPages } from './sbp.ts';

export function createApp(bank: SandboxContext): Express {
  const app: Express = express();
  app.set('x-powered-by', false);
  app.use(express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 50 }));
  app.use('/payment/rest', apiRouter(bank));
  addPages(app, bank);
  addSbpPages(app, bank);
  app.use((_req, res) => render(bank, res, 404, 'gone', { message: 'Страница не найдена.' }));
  return app;
}
