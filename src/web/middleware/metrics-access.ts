import type { RequestHandler } from 'express';
import type { RedisClient } from '../../lib/redis.ts';
import { digest, operatorAuth, sameSecret } from './operator-auth.ts';

/**
 * Who may read /metrics (totals across every company). In development and tests: anyone, so a
 * local Prometheus or a curl needs nothing. In production: a scraper sending
 * `Authorization: Bearer <METRICS_TOKEN>`, or an operator with OPERATOR_PASSWORD (HTTP Basic, with
 * the operator pages' limit on wrong passwords); with neither configured, /metrics is a 404.
 */
export interface MetricsAccessOptions {
  production: boolean;
  metricsToken: string | undefined;
  operatorPassword: string | undefined;
  redis: RedisClient | null;
  prefix: string;
  limit: number;
  baseUrl: string;
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;

export function metricsAccess(options: MetricsAccessOptions): RequestHandler[] {
  if (!options.production) return [];
  const token = options.metricsToken ? digest(options.metricsToken) : null;
  const operator = options.operatorPassword
    ? operatorAuth({
        password: options.operatorPassword,
        redis: options.redis,
        prefix: options.prefix,
        limit: options.limit,
        baseUrl: options.baseUrl,
      })
    : null;
  const byToken: RequestHandler = (req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    const bearer = BEARER.exec(req.headers.authorization ?? '')?.[1] ?? null;
    if (token && sameSecret(bearer, token)) return next('route');
    if (operator) return next();
    if (!token) return res.status(404).type('text').send('Not found.');
    res.setHeader('WWW-Authenticate', 'Bearer realm="Call Archive metrics"');
    res.status(401).type('text').send('A metrics token is required.');
  };
  return [byToken, ...(operator ?? [])];
}
