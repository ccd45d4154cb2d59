import { fileURLToPath } from 'node:url';
import { Eta } from 'eta';
import type { Response } from 'express';
import { displayText } from '../archive/path-component.ts';

/**
 * Server-rendered pages from views/, HTML-escaped by default (`<%= %>`). Every escaped value is
 * also cleaned for display (displayText): names come from RingCentral and Dropbox, where anyone
 * may put a bidirectional override or a control character in a company or extension name.
 */
export const VIEWS_DIR = fileURLToPath(new URL('../../views', import.meta.url));

export interface Views {
  render(name: string, data: object): string;
}

export function createViews(options: { cache: boolean }): Views {
  const eta = new Eta({
    views: VIEWS_DIR,
    cache: options.cache,
    autoEscape: true,
    autoTrim: false,
    escapeFunction: escapeHtml,
  });
  return { render: (name, data) => eta.render(name, data) };
}

/** Renders a page with the request's common locals (user, CSRF token, flash) merged in. */
export function sendPage(res: Response, views: Views, name: string, data: object = {}, status = 200): void {
  res
    .status(status)
    .type('html')
    .send(views.render(name, { ...(res.locals as object), ...data }));
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** What `<%= %>` writes: the value as text, cleaned for display, HTML-escaped. */
export function escapeHtml(value: unknown): string {
  return displayText(String(value)).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}
