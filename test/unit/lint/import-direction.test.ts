import { join } from 'node:path';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import { refusal } from '../../../eslint/import-direction.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');

/**
 * ESLint with the repository's own configuration, on text as if it were the file at `path`. The
 * fixture is not a file of the TypeScript project, so type information is left out (the rule needs
 * none; the type-aware rules are the ones switched off).
 */
async function lint(path: string, text: string): Promise<string[]> {
  const eslint = new ESLint({
    cwd: ROOT,
    overrideConfig: { files: ['**/*.ts'], ...tseslint.configs.disableTypeChecked },
  });
  const [result] = await eslint.lintText(text, { filePath: join(ROOT, path) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'layers/import-direction').map((m) => m.message);
}

describe('the import-direction rule (docs/ARCHITECTURE.md)', () => {
  it('is on, as an error, for every file under src/ in the repository configuration', async () => {
    const config = (await new ESLint({ cwd: ROOT }).calculateConfigForFile(
      join(ROOT, 'src/archive/paths.ts'),
    )) as { rules: Record<string, unknown[]> };
    expect(config.rules['layers/import-direction']).toEqual([2]);
  });

  it('fails on an upward import', async () => {
    // A file in destinations/ reaching up into the archive pipeline.
    const messages = await lint(
      'src/destinations/upward-fixture.ts',
      "import { renderItemPath } from '../archive/paths.ts';\nexport const f = renderItemPath;\n",
    );
    expect(messages).toEqual([
      'src/destinations may not import src/archive: archive is above destinations (docs/ARCHITECTURE.md).',
    ]);
  });

  it('fails on re-exports, dynamic imports and imports between neighbours too', async () => {
    const messages = await lint(
      'src/tenants/neighbour-fixture.ts',
      [
        "export { notifierFromConfig } from '../notifications/index.ts';",
        "export const later = () => import('../web/app.ts');",
      ].join('\n'),
    );
    expect(messages).toEqual([
      'src/tenants may not import src/notifications: tenants and notifications are in the same layer and do not import each other (docs/ARCHITECTURE.md).',
      'src/tenants may not import src/web: web is above tenants (docs/ARCHITECTURE.md).',
    ]);
  });

  it('lets imports go down, stay in their folder, or reach packages', async () => {
    const messages = await lint(
      'src/archive/downward-fixture.ts',
      [
        "import { z } from 'zod';",
        "import type { Destination } from '../destinations/types.ts';",
        "import { errorMessage } from '../lib/errors.ts';",
        "import { renderItemPath } from './paths.ts';",
        'export type D = Destination;',
        'export const all = [z, errorMessage, renderItemPath];',
      ].join('\n'),
    );
    expect(messages).toEqual([]);
  });

  it('keeps the simulators apart: only the runtime starts them, and they use only lib', () => {
    expect(refusal('runtime', 'sandbox')).toBeNull();
    expect(refusal('archive', 'sandbox')).toMatch(/only main\.ts and runtime start sandbox/);
    expect(refusal('sandbox', 'lib')).toBeNull();
    expect(refusal('sandbox', 'store')).toMatch(/sandbox uses nothing but lib/);
  });
});
