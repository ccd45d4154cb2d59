import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runArchive } from '../../support/archive-run.ts';
import { onboardTenant } from '../../support/onboard.ts';
import { startStack, type TestStack } from '../../support/stack.ts';

/**
 * What an hourly run in the steady state costs at RingCentral, counted by endpoint at the
 * simulator: one extension list, one call-log window, one message-store list per mailbox, and each
 * new attachment and recording downloaded once. The many-extensions benchmark multiplies exactly
 * these; a second read of a mailbox, a probe per mailbox or an attachment fetched twice fails here.
 */
const EXTENSIONS = 8;
const ACCOUNT = 'GET /restapi/v1.0/account/:accountId';
const MAILBOX = `${ACCOUNT}/extension/:extensionId/message-store`;

describe('API calls of an hourly run, by endpoint', () => {
  let stack: TestStack;
  let tenantId: string;

  beforeAll(async () => {
    stack = await startStack({
      clockFromRc: true,
      rc: {
        rateLimitWindowSeconds: 1,
        limits: { Heavy: 100, Medium: 400, Light: 500 },
        accounts: [
          {
            seed: 77,
            extensions: EXTENSIONS,
            extensionTypes: Array.from({ length: EXTENSIONS }, () => 'User' as const),
            days: 1,
            callsPerExtensionPerDay: 2,
            recordedShare: 0.2,
            messagesPerExtensionPerDay: 1,
          },
        ],
      },
    });
    ({ tenantId } = await onboardTenant(stack, { email: 'calls@example.com' }));
    const first = await runArchive(stack, tenantId);
    expect(first).toMatchObject({ outcome: 'finished', moreWork: false });
  }, 60_000);
  afterAll(async () => stack?.close());

  it('lists extensions and the call log once, reads each mailbox once, downloads each new file once', async () => {
    const kinds = [{ voicemails: 1 }, { sms: 1 }, { mms: 1 }, { faxes: 1 }, { pager: 1 }];
    const activity = kinds.map((kind, n) =>
      stack.rc.addActivity({
        accountId: tenantId,
        extensionNumber: String(101 + n),
        ...kind,
        recordedCalls: n < 2 ? 1 : 0,
        recordingSize: 4_000,
      }),
    );
    const newIds = new Set(activity.flatMap((a) => a.messages.map((m) => m.id)));
    const inventory = await stack.rc.inventory(tenantId, { sha256: false });
    const newAttachments = inventory.messages
      .filter((m) => newIds.has(m.id))
      .reduce((n, m) => n + m.attachments.length, 0);
    const mailboxes = inventory.extensions.filter((e) => e.type === 'User').length;
    expect(newAttachments).toBeGreaterThanOrEqual(kinds.length);

    stack.rc.setFaults({ logRequests: 10_000 });
    const outcome = await runArchive(stack, tenantId);
    expect(outcome).toMatchObject({ outcome: 'finished', status: 'succeeded', moreWork: false });
    const byEndpoint: Record<string, number> = {};
    for (const r of stack.rc.requestLog(tenantId)) {
      expect(r.outcome).toBe('counted');
      byEndpoint[r.endpoint] = (byEndpoint[r.endpoint] ?? 0) + 1;
    }
    expect(byEndpoint).toEqual({
      [`${ACCOUNT}/extension`]: 1,
      [`${ACCOUNT}/call-log`]: 1,
      [MAILBOX]: mailboxes,
      [`${MAILBOX}/:messageId/content/:attachmentId`]: newAttachments,
      [`${ACCOUNT}/recording/:recordingId/content`]: 2,
    });
  }, 60_000);
});
