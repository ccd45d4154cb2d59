import type { ErrorRequestHandler, RequestHandler } from 'express';
import { UserInputError } from '../../lib/errors.ts';
import type { Logger } from '../../lib/logger.ts';
import { sendPage, type Views } from '../views.ts';

interface HttpishError {
  status?: number;
  statusCode?: number;
  expose?: boolean;
  type?: string;
  message?: string;
}

const HEADINGS: Record<number, string> = {
  400: 'That request could not be understood',
  403: 'You are not allowed to do that',
  404: 'Page not found',
  413: 'That was too large',
  429: 'Slow down a little',
};

export function notFound(views: Views): RequestHandler {
  return (_req, res) => {
    sendPage(
      res,
      views,
      'error',
      {
        status: 404,
        heading: HEADINGS[404],
        message: 'There is nothing at this address. Check the link, or start again from the home page.',
      },
      404,
    );
  };
}

/**
 * The last stop for errors: a friendly page (or JSON for API clients) that never shows a stack,
 * an internal message or a secret. Expected errors (bad input, oversized bodies) keep their
 * message; everything else is logged in full and shown only as a reference id.
 */
export function errorHandler(views: Views, logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const e = (error ?? {}) as HttpishError;
    const status = error instanceof UserInputError ? error.status : (e.status ?? e.statusCode ?? 500);
    const safe = status < 500 && (error instanceof UserInputError || e.expose === true);
    const message = safe
      ? (e.message ?? 'The request was not valid.')
      : 'Something went wrong on our side. Try again in a minute; if it keeps happening, give the reference below to whoever runs this service.';
    if (status >= 500) (req.log ?? logger).error({ err: error }, 'request failed');
    if (res.headersSent) return;
    const requestId = typeof req.id === 'string' || typeof req.id === 'number' ? String(req.id) : '';
    if (req.accepts(['html', 'json']) === 'json') {
      res.status(status).json({ error: message, requestId });
      return;
    }
    sendPage(
      res,
      views,
      'error',
      { status, heading: HEADINGS[status] ?? 'Something went wrong', message, requestId },
      status,
    );
  };
}
