import { fileURLToPath } from 'node:url';
import { Eta } from 'eta';
import type { Response } from 'express';

/** Server-rendered pages from views/, HTML-escaped by default (`<%= %>`). */
export const VIEWS_DIR = fileURLToPath(new URL('../../views', import.meta.url));

export interface Views {
  render(name: string, data: object): string;
}

export function createViews(options: { cache: boolean }): Views {
  const eta = new Eta({ views: VIEWS_DIR, cache: options.cache, autoEscape: true, autoTrim: false });
  return { render: (name, data) => eta.render(name, data) };
}

/** Renders a page with the request's common locals (user, CSRF token, flash) merged in. */
export function sendPage(res: Response, views: Views, name: string, data: object = {}, status = 200): void {
  res
    .status(status)
    .type('html')
    .send(views.render(name, { ...(res.locals as object), ...data }));
}
