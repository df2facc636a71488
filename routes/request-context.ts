import type { Request } from 'express';
import type { RequestContext } from '../services/auth/auth.ts';

export function requestContext(req: Request): RequestContext {
  return { ip: req.ip ?? '', userAgent: req.get('user-agent') ?? '' };
}
