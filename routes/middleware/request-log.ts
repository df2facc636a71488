// The first middleware: a request id (a sane incoming X-Request-Id, else a new one) echoed in the
// response, and one JSON line per request when it ends — method, path without query or tokens,
// status, duration. Never bodies, cookies or headers beyond the id.
import type { RequestHandler } from 'express';
import { randomUUID } from 'node:crypto';
import type { Logger } from '../../services/platform/logger.ts';
import { loggablePath } from '../../services/platform/logger.ts';

const saneRequestId = /^[A-Za-z0-9._:-]{8,64}$/;

export function requestLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const incoming = req.get('x-request-id');
    const id = incoming && saneRequestId.test(incoming) ? incoming : randomUUID();
    res.locals.requestId = id;
    res.setHeader('X-Request-Id', id);
    const started = process.hrtime.bigint();
    res.on('close', () => {
      // A load balancer asks for /healthz every few seconds: only worth a line when it fails.
      const level = res.statusCode >= 500 ? 'error' : req.path === '/healthz' && res.statusCode === 200 ? 'debug' : 'info';
      if (!logger.isLevelEnabled(level)) return;
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const line = {
        reqId: id,
        method: req.method,
        path: loggablePath(req.originalUrl),
        status: res.statusCode,
        ms: Math.round(ms * 10) / 10,
        ip: req.ip,
        ...(res.writableFinished ? {} : { aborted: true }),
      };
      logger[level](line, 'request');
    });
    next();
  };
}
