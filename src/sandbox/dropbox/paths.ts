import { badInput, fail } from './errors.ts';

/**
 * Dropbox path rules. Arguments are first checked against the route's Stone pattern (a mismatch is a
 * 400), then component by component (a bad component is a 409 `malformed_path` or, for writes,
 * `disallowed_name`, wrapped by each route in its own error union).
 */

/** The Stone patterns, verbatim, because Dropbox quotes them in its 400 messages. */
const PATH_PATTERNS = {
  write: String.raw`(/(.|[\r\n])*)|(ns:[0-9]+(/(.|[\r\n])*)?)`,
  writeOrId: String.raw`(/(.|[\r\n])*)|(ns:[0-9]+(/(.|[\r\n])*)?)|(id:.*)`,
  read: String.raw`(/(.|[\r\n])*|id:.*)|(rev:[0-9a-f]{9,})|(ns:[0-9]+(/.*)?)`,
  list: String.raw`(/(.|[\r\n])*)?|id:.*|(ns:[0-9]+(/.*)?)`,
} as const;

export type PathKind = keyof typeof PATH_PATTERNS;

type PathRef =
  | { kind: 'root' }
  | { kind: 'path'; components: string[] }
  | { kind: 'id'; id: string; components: string[] }
  | { kind: 'ns'; ns: string; components: string[] }
  | { kind: 'rev'; rev: string };

export type PathProblem = 'malformed_path' | 'disallowed_name';

export interface ParsedPath {
  ref: PathRef;
  problem: PathProblem | null;
}

/** Where an argument came from, for the 400 message (`request body: path: ...`). */
export interface ArgSite {
  route: string;
  where: string;
}

const COMPILED = Object.fromEntries(
  Object.entries(PATH_PATTERNS).map(([kind, source]) => [kind, new RegExp(`^(?:${source})$`, 's')]),
) as Record<PathKind, RegExp>;

/** Names Dropbox refuses to store (the desktop client's metadata files), compared case-insensitively. */
const DISALLOWED_NAMES = new Set([
  'desktop.ini',
  'thumbs.db',
  '.ds_store',
  'icon\r',
  '.dropbox',
  '.dropbox.attr',
]);

const MAX_COMPONENT_UTF16_UNITS = 255;

export function parsePath(raw: string, kind: PathKind, site: ArgSite, field = 'path'): ParsedPath {
  const reject = (message: string): never => {
    throw fail(badInput(site.route, `${site.where}: ${field}: ${message}`));
  };
  if (raw === '/') {
    if (kind === 'write' || kind === 'writeOrId') reject('The root folder is unsupported.');
    reject('Specify the root folder as an empty string rather than as "/".');
  }
  if (raw === '' && kind === 'read' && site.route === 'files/get_metadata') {
    reject('The root folder is unsupported.');
  }
  if (!COMPILED[kind].test(raw)) reject(`'${raw}' did not match pattern '${PATH_PATTERNS[kind]}'`);

  const ref = toRef(raw);
  const components = 'components' in ref ? ref.components : [];
  return { ref, problem: componentProblem(components, kind !== 'read' && kind !== 'list') };
}

function toRef(raw: string): PathRef {
  if (raw === '') return { kind: 'root' };
  if (raw.startsWith('rev:')) return { kind: 'rev', rev: raw.slice(4) };
  const prefixed = /^(id|ns):([^/]*)(\/.*)?$/s.exec(raw);
  if (prefixed) {
    const rest = prefixed[3] ? splitComponents(prefixed[3]) : [];
    const value = prefixed[2] ?? '';
    return prefixed[1] === 'id'
      ? { kind: 'id', id: `id:${value}`, components: rest }
      : { kind: 'ns', ns: value, components: rest };
  }
  return { kind: 'path', components: splitComponents(raw) };
}

const splitComponents = (absolute: string): string[] => absolute.slice(1).split('/');

/** Why a list of path components cannot be used, or null when it can. */
export function componentProblem(components: string[], forWrite: boolean): PathProblem | null {
  for (const name of components) {
    // Checked first: `icon\r` would otherwise read as a name ending in whitespace.
    if (forWrite && DISALLOWED_NAMES.has(name.toLowerCase())) return 'disallowed_name';
    if (isMalformedName(name)) return 'malformed_path';
  }
  return null;
}

function isMalformedName(name: string): boolean {
  return (
    // An empty component is `//` or a trailing slash; paths may not end in whitespace either.
    name === '' ||
    name === '.' ||
    name === '..' ||
    /\s$/.test(name) ||
    name.includes('\\') ||
    // NUL and DEL never survive a round trip (rclone encodes both for this reason).
    name.includes('\u0000') ||
    name.includes('\u007f') ||
    // JavaScript string length counts UTF-16 code units, which is how Dropbox counts (an emoji is 2).
    name.length > MAX_COMPONENT_UTF16_UNITS
  );
}

/** The case-insensitive key of a path: Dropbox compares paths without regard to case. */
export function lowerPath(components: readonly string[]): string {
  return components.length === 0 ? '' : `/${components.map((c) => c.toLowerCase()).join('/')}`;
}
