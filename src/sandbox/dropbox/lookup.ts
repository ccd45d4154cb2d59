import type { Account } from './accounts.ts';
import type { JsonObject } from './errors.ts';
import type { Node } from './namespace.ts';
import { lowerPath, type ParsedPath } from './paths.ts';

/** Finding what a read path (`/a/b`, `id:...`, `id:.../rest`, `ns:<root>/...`, `rev:...`) refers to. */

type LookupResult = { root: true } | { node: Node } | { error: JsonObject };

export const notFound = (): JsonObject => ({ '.tag': 'not_found' });

export function lookup(account: Account, parsed: ParsedPath): LookupResult {
  if (parsed.problem) return { error: { '.tag': 'malformed_path', malformed_path: null } };
  const ns = account.namespace;
  const ref = parsed.ref;
  let components: string[];
  switch (ref.kind) {
    case 'root':
      return { root: true };
    case 'rev': {
      const node = ns.files().find((file) => file.rev === ref.rev);
      return node ? { node } : { error: notFound() };
    }
    case 'ns':
      if (ref.ns !== account.rootNamespaceId) return { error: notFound() };
      components = ref.components;
      break;
    case 'id': {
      const base = ns.getById(ref.id);
      if (!base) return { error: notFound() };
      if (ref.components.length === 0) return { node: base };
      components = [...base.pathDisplay.slice(1).split('/'), ...ref.components];
      break;
    }
    case 'path':
      components = ref.components;
  }
  if (components.length === 0) return { root: true };
  const node = ns.get(lowerPath(components));
  return node ? { node } : { error: notFound() };
}
