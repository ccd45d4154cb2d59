import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserFlow } from '../../support/browser-flow.ts';
import { startStack, type TestStack } from '../../support/stack.ts';

describe('smoke', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => stack?.close());

  it('installs', async () => {
    const browser = new BrowserFlow(stack);
    const res = await browser.signInWithRingCentral();
    expect(res.status, res.text).toBe(303);
    const dbx = await browser.connectDropbox();
    expect(dbx.status, dbx.text).toBe(303);
    const page = await browser.agent.get('/dashboard');
    expect(page.text).toContain('archive@example.com');
  });
});
