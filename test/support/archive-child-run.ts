import { expect } from 'vitest';
import { spawnNode, type Spawned } from './processes.ts';
import { productEnv } from './product-env.ts';
import type { TestStack } from './stack.ts';

/** Starts test/support/archive-child.ts: a real process archiving one tenant until it is done. */
export function archiveChild(stack: TestStack, tenantId: string, env: Record<string, string> = {}): Spawned {
  return spawnNode('test/support/archive-child.ts', [], {
    ...productEnv(stack),
    TENANT_ID: tenantId,
    LEASE_TTL_MS: '3000',
    ...env,
  });
}

/** Waits for the child to archive its tenant and exit cleanly. */
export async function finishes(child: Spawned): Promise<void> {
  const code = await child.exited();
  expect(code, child.output()).toBe(0);
  expect(child.output()).toMatch(/^done$/m);
}
