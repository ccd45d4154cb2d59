import type express from 'express';

/** One registered route: its method and a path that reaches it, its parameters filled in. */
export interface RegisteredRoute {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** As registered, e.g. /runs/:id */
  pattern: string;
  /** Requestable, e.g. /runs/dummy-id, or /connect/dropbox for /connect/:provider */
  path: string;
}

interface Layer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
  rawPath?: string | string[] | RegExp;
  slash?: boolean;
}

/**
 * Every route the app answers, found by walking its router stack (nested routers included, with
 * their mount paths), so a route added anywhere is covered by the tests that walk them. A
 * parameter named in `values` gives one path per value (e.g. every provider id); any other is
 * filled with a dummy value.
 */
export function registeredRoutes(
  app: express.Express,
  values: Record<string, readonly string[]> = {},
): RegisteredRoute[] {
  const root = (app as unknown as { router: { stack: Layer[] } }).router;
  const found: RegisteredRoute[] = [];
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
        for (const path of paths)
          for (const [method, on] of Object.entries(layer.route.methods))
            if (on && ['get', 'post', 'put', 'patch', 'delete'].includes(method))
              for (const filled of fill(prefix + path, values))
                found.push({
                  method: method as RegisteredRoute['method'],
                  pattern: prefix + path,
                  path: filled,
                });
      } else if (layer.handle?.stack) {
        const mounts = layer.slash
          ? ['']
          : Array.isArray(layer.rawPath)
            ? layer.rawPath.map(String)
            : [typeof layer.rawPath === 'string' ? layer.rawPath : ''];
        for (const mount of mounts) walk(layer.handle.stack, prefix + mount.replace(/\/$/, ''));
      }
    }
  };
  walk(root.stack, '');
  const seen = new Set<string>();
  return found.filter((r) => !seen.has(`${r.method} ${r.path}`) && seen.add(`${r.method} ${r.path}`));
}

/** `:id` → each of values.id or dummy-id, `*rest` → dummy/rest, optional `{…}` kept. */
function fill(pattern: string, values: Record<string, readonly string[]>): string[] {
  let paths = [pattern.replace(/[{}]/g, '').replace(/\*(\w+)/g, 'dummy/$1')];
  for (const [, name] of pattern.matchAll(/:(\w+)/g)) {
    const options = values[name!] ?? [`dummy-${name}`];
    paths = paths.flatMap((path) => options.map((value) => path.replace(`:${name}`, value)));
  }
  return paths.map((path) => path || '/');
}
