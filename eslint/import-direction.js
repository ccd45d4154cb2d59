import { dirname, relative, resolve, sep } from 'node:path';

/**
 * Imports flow one way (docs/ARCHITECTURE.md, "Layers and imports"): a module under src/ imports
 * its own folder and the layers below its own, never a layer above it nor a neighbour in its own
 * layer. The simulators are apart: only the runtime starts them, and they use nothing but lib.
 *
 * Each entry is a folder under src/ (or a file, such as main.ts); the first layer is the top.
 */
export const LAYERS = [
  ['main.ts'],
  ['runtime'],
  ['web'],
  ['tenants', 'notifications'],
  ['push'],
  ['jobs'],
  ['archive'],
  ['connections'],
  ['destinations', 'store'],
  ['config.ts'],
  ['lib'],
];

/** Folders outside the layers: who may import them, and what they may import. */
export const ISLANDS = { sandbox: { importedBy: ['main.ts', 'runtime'], imports: ['lib'] } };

const SRC = resolve(import.meta.dirname, '..', 'src');

/** The top-level folder (or file) of src/ that a path is in; null outside src/. */
function unitOf(path) {
  const rel = relative(SRC, path);
  if (rel === '' || rel.startsWith('..') || rel.startsWith(sep) || rel.includes(':')) return null;
  return rel.split(sep)[0];
}

const layerOf = (unit) => LAYERS.findIndex((layer) => layer.includes(unit));

/** Why `from` may not import `to`, or null when it may. */
export function refusal(from, to) {
  if (from === to) return null;
  const island = ISLANDS[to];
  if (island)
    return island.importedBy.includes(from) ? null : `only ${island.importedBy.join(' and ')} start ${to}`;
  if (ISLANDS[from])
    return ISLANDS[from].imports.includes(to)
      ? null
      : `${from} uses nothing but ${ISLANDS[from].imports.join(', ')}`;
  const [a, b] = [layerOf(from), layerOf(to)];
  if (a === -1) return `${from} has no layer in eslint/import-direction.js: give it one`;
  if (b === -1) return `${to} has no layer in eslint/import-direction.js: give it one`;
  if (b === a) return `${from} and ${to} are in the same layer and do not import each other`;
  if (b < a) return `${to} is above ${from}`;
  return null;
}

export const importDirection = {
  meta: {
    type: 'problem',
    docs: { description: 'Imports between the folders of src/ go down the layers of docs/ARCHITECTURE.md' },
    messages: { upward: 'src/{{from}} may not import src/{{to}}: {{why}} (docs/ARCHITECTURE.md).' },
    schema: [],
  },
  create(context) {
    const file = context.filename;
    const from = unitOf(file);
    if (!from) return {};
    const check = (node) => {
      const source = node.source;
      if (!source || source.type !== 'Literal' || typeof source.value !== 'string') return;
      if (!source.value.startsWith('.')) return; // packages and node: built-ins
      const to = unitOf(resolve(dirname(file), source.value));
      if (!to) return;
      const why = refusal(from, to);
      if (why) context.report({ node: source, messageId: 'upward', data: { from, to, why } });
    };
    return {
      ImportDeclaration: check,
      ExportNamedDeclaration: check,
      ExportAllDeclaration: check,
      ImportExpression: check,
    };
  },
};

export default { rules: { 'import-direction': importDirection } };
