import helmet from 'helmet';

/**
 * Security headers for every response. The CSP allows only our own scripts, styles and forms
 * (pages carry no inline script) plus the providers' consent pages as form/redirect targets.
 * Recordings, documents and pictures of the archive are played and shown from the destination's
 * short-lived links: `linkOrigins` may serve audio, pictures and frames, and nothing else.
 */
export function securityHeaders(options: { production: boolean; linkOrigins?: readonly string[] }) {
  const links = options.linkOrigins ?? [];
  return helmet({
    contentSecurityPolicy: {
      useDefaults: true,
      directives: {
        'default-src': ["'self'"],
        'script-src': ["'self'"],
        'style-src': ["'self'"],
        'img-src': ["'self'", 'data:', ...links],
        'media-src': ["'self'", ...links],
        'frame-src': ["'self'", ...links],
        'form-action': ["'self'"],
        'frame-ancestors': ["'none'"],
        'upgrade-insecure-requests': options.production ? [] : null,
      },
    },
    strictTransportSecurity: options.production ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    referrerPolicy: { policy: 'no-referrer' },
    crossOriginEmbedderPolicy: false,
  });
}
