import type { ActivityResult } from '../../src/sandbox/ringcentral/index.ts';
import { allLedger } from '../../test/support/archive-check.ts';
import type { TestStack } from '../../test/support/stack.ts';

/**
 * Which of the activity the simulator generated is not in the archive yet: a message counts as
 * archived when the ledger holds its record and every attachment the simulator lists for it; a
 * recorded call when the ledger holds its recording.
 */
export interface Coverage {
  messages: number;
  recordings: number;
  missingMessages: string[];
  missingRecordings: string[];
}

export async function coverageOf(
  stack: TestStack,
  tenantId: string,
  activity: readonly ActivityResult[],
): Promise<Coverage> {
  const inventory = await stack.rc.inventory(tenantId, { sha256: false });
  const attachments = new Map(inventory.messages.map((m) => [m.id, m.attachments.map((a) => a.id)]));
  const ledger = new Set((await allLedger(stack, tenantId)).map((e) => `${e.sourceId}|${e.attachmentId}`));
  const messageIds = activity.flatMap((a) => a.messages.map((m) => m.id));
  const recordingIds = activity.flatMap((a) =>
    a.calls.flatMap((c) => (c.recordingId ? [c.recordingId] : [])),
  );
  return {
    messages: messageIds.length,
    recordings: recordingIds.length,
    missingMessages: messageIds.filter(
      (id) => !ledger.has(`${id}|`) || (attachments.get(id) ?? []).some((a) => !ledger.has(`${id}|${a}`)),
    ),
    missingRecordings: recordingIds.filter((id) => !ledger.has(`${id}|`)),
  };
}
