import type { RequestHandler } from 'express';
import { UserInputError } from '../../lib/errors.ts';

/**
 * Form bodies. Only URL-encoded forms are read; any other POST (no body, JSON, multipart) arrives
 * as an empty form, so every route sees an object and answers a missing field with 400, never
 * with a crash.
 */
export const emptyFormWhenUnread: RequestHandler = (req, _res, next) => {
  if (req.body === null || typeof req.body !== 'object') req.body = Object.create(null) as object;
  next();
};

/**
 * The fields a form route cannot work without, each as one text value: a body that lacks one (or
 * sends it twice) is refused with 400 naming them before the route reads or changes anything. A
 * partial form is not taken as "defaults for the rest", which would silently undo settings.
 */
export function requireFields(...names: string[]): RequestHandler {
  return (req, _res, next) => {
    const body = req.body as Record<string, unknown>;
    const missing = names.filter((name) => typeof body[name] !== 'string');
    if (missing.length === 0) return next();
    next(
      new UserInputError(
        `The form arrived incomplete (no single value for ${missing.join(', ')}). Nothing was changed: reload the page and send it again.`,
      ),
    );
  };
}
