import pMap from 'p-map';
import { crashPoint } from '../lib/crash-points.ts';
import { errorMessage } from '../lib/errors.ts';
import type { LedgerKey, SearchEntry } from '../store/types.ts';
import type { ArchiveItem, OpenedSource } from './items.ts';
import { classifyItemError, DELETED_BY_RINGCENTRAL, nextAttemptDelay, type StopRun } from './outcomes.ts';
import { oweReportDays } from './report-days.ts';
import type { RunEnv } from './run-env.ts';
import { recordExtensionId, searchEntryFor } from './search-entry.ts';
import { trackSending } from './sending.ts';

/**
 * Moves planned items into the destination: open the source, stream it into the destination
 * (which hashes and commits it), then write the ledger row — in that order, so the ledger never
 * claims a file the destination does not have. A failed item becomes an outstanding row with its next attempt; an item
 * deleted at the source is skipped with the reason; an authorization or space problem stops the
 * run. Returns the keys it finished (archived or handed to the outstanding list).
 */
export async function transferItems(env: RunEnv, items: readonly ArchiveItem[]): Promise<Set<string>> {
  // Their days' report files will change: say so durably before the first ledger row does.
  await oweReportDays(env.state.owedDays, new Set(items.map((i) => i.day)));
  const handled = new Set<string>();
  // The first reason to stop the whole run; later items see it and do not start.
  const halt: { reason: StopRun | null } = { reason: null };
  const finishing: Array<Promise<void>> = [];
  // An item holds its place from opening its source until its bytes are in the destination; then it
  // waits for its commit (batch) in the background. Downloads paced by the rate limiter thus keep their
  // pace while a batch fills over several rate-limit windows.
  const run = (list: readonly ArchiveItem[], concurrency: number) =>
    pMap(
      list,
      async (item) => {
        if (halt.reason || env.state.signal.aborted) return;
        const { sent, done } = trackSending((onSent) =>
          transferOne(env, item, onSent).then((outcome) => {
            if (outcome === 'handled') handled.add(itemKey(item));
            else if (outcome !== 'abandoned') halt.reason ??= outcome;
          }),
        );
        finishing.push(done);
        await sent;
      },
      { concurrency },
    );
  // Records' JSON is already in memory: where the destination commits in batches, enough at once
  // to fill a batch while the previous one commits. Downloads hold a connection each, so fewer.
  const inline = items.filter((i) => i.descriptor.source === 'json');
  const streamed = items.filter((i) => i.descriptor.source !== 'json');
  const { batching } = env.deps.destination.capabilities;
  const inlineConcurrency = batching ? 2 * batching.maxFiles : env.deps.concurrency;
  await Promise.all([run(inline, inlineConcurrency), run(streamed, env.deps.concurrency)]);
  // Everything of this list is sent: nothing more will join its batch, so commit it now instead of
  // after the batch's idle wait. A failed commit fails its own puts, which report it below.
  await env.deps.destination.flush().catch(() => undefined);
  await Promise.all(finishing);
  if (halt.reason) throw halt.reason;
  return handled;
}

function withFileExtension(path: string, extension: string): string {
  return path.replace(/\.[A-Za-z0-9]+$/, '') + `.${extension}`;
}

export const itemKey = (key: LedgerKey): string =>
  `${key.kind}\u0000${key.sourceId}\u0000${key.attachmentId}`;

/** `onSent`: the item's bytes are all in the destination and it waits for its commit (see PutOptions). */
async function transferOne(
  env: RunEnv,
  item: ArchiveItem,
  onSent: () => void,
): Promise<'handled' | 'abandoned' | StopRun> {
  const { store, destination, clock } = env.deps;
  const { signal } = env.state;
  try {
    // The run's stop ends the item while it waits for RingCentral, not once its bytes are flowing.
    const source = await openUntilStopped(item, signal);
    // The file extension can only be known from the content type RingCentral serves (a recording
    // is usually MP3, sometimes WAV); it is a property of the item, so the path stays deterministic.
    const path = source.fileExtension ? withFileExtension(item.path, source.fileExtension) : item.path;
    if (!Buffer.isBuffer(source.body)) {
      // Until the destination reads it (a put may first wait for an upload slot) the body has no
      // 'error' listener, and a stop (shutdown, time box) destroys it with an error: unheard, that
      // error would crash the whole worker. The put fails all the same and the item is left for later.
      source.body.on('error', () => undefined);
      // Crash points (lib/crash-points.ts) are inert unless the reliability suite names one.
      source.body.once('end', () => crashPoint('after-download'));
    }
    // A stop (time box, shutdown) ends the item here while it waits for an upload slot; once it is
    // sending it is finished, committed and recorded: the run stops at the next item boundary, and
    // nothing is sent twice.
    const committed = await destination.put(path, source.body, {
      mode: item.mode,
      size: source.size ?? item.size ?? undefined,
      stop: signal,
      onSent,
    });
    crashPoint('after-dropbox-commit');
    await store.recordArchived(
      {
        tenantId: env.state.tenant.id,
        kind: item.kind,
        sourceId: item.sourceId,
        attachmentId: item.attachmentId,
        path: committed.path,
        size: committed.size,
        sha256: committed.sha256,
        remoteHash: committed.remoteHash,
        sourceModifiedAt: item.sourceModifiedAt,
        archivedAt: new Date(clock.now()),
        day: item.day,
      },
      searchEntryOf(env, item, committed.path),
    );
    crashPoint('after-ledger-write');
    const tally = (env.state.counters.kinds[item.kind] ??= { items: 0, bytes: 0 });
    tally.items += 1;
    tally.bytes += committed.size;
    if (item.mode === 'overwrite') env.state.counters.updated += 1;
    env.deps.metrics.itemsArchived.inc({ kind: item.kind });
    env.deps.metrics.bytesArchived.inc({ kind: item.kind }, committed.size);
    env.state.daysTouched.add(item.day);
    return 'handled';
  } catch (error) {
    const verdict = classifyItemError(error, signal);
    if (verdict.action === 'abandon') return 'abandoned';
    if (verdict.action === 'stop') return verdict.error;
    await recordProblem(env, item, verdict.action, verdict.reason);
    return 'handled';
  }
}

/** A record's JSON is what search knows of it: its entry is written with the ledger row. */
function searchEntryOf(env: RunEnv, item: ArchiveItem, path: string): SearchEntry | undefined {
  const { json, extensionId } = item.descriptor;
  if (item.attachmentId !== '' || !json || typeof json !== 'object' || Array.isArray(json)) return undefined;
  const owner = typeof extensionId === 'string' ? extensionId : recordExtensionId(json);
  const extension = owner ? (env.state.extensions.get(owner) ?? { id: owner }) : null;
  return (
    searchEntryFor({ tenantId: env.state.tenant.id, kind: item.kind, record: json, extension, path }) ??
    undefined
  );
}

/** Opens the item's source; `stop` aborts the opening (a rate-limit wait, a request) but not the body. */
async function openUntilStopped(item: ArchiveItem, stop: AbortSignal): Promise<OpenedSource> {
  const opening = new AbortController();
  const abort = () => opening.abort(stop.reason);
  if (stop.aborted) abort();
  else stop.addEventListener('abort', abort, { once: true });
  try {
    return await item.open(opening.signal);
  } finally {
    stop.removeEventListener('abort', abort);
  }
}

/** An item not archived this time: retried later, or skipped for good with the reason. */
export async function recordProblem(
  env: RunEnv,
  item: Pick<ArchiveItem, 'sourceId' | 'attachmentId' | 'descriptor'> & { kind: string },
  action: 'skip' | 'retry',
  reason: string,
): Promise<void> {
  const previous = await env.deps.store.getOutstanding(env.state.tenant.id, item);
  const attempts = (previous?.attempts ?? 0) + 1;
  const delay = action === 'retry' ? nextAttemptDelay(attempts) : null;
  const status = action === 'skip' ? 'skipped' : delay === null ? 'failed' : 'pending';
  await env.deps.store.saveOutstanding({
    tenantId: env.state.tenant.id,
    kind: item.kind,
    sourceId: item.sourceId,
    attachmentId: item.attachmentId,
    status,
    attempts,
    lastError: reason.slice(0, 500),
    nextAttemptAt: delay === null ? null : new Date(env.deps.clock.now() + delay),
    descriptor: item.descriptor,
  });
  if (status === 'skipped') env.state.counters.skipped += 1;
  if (reason === DELETED_BY_RINGCENTRAL) env.state.counters.deletedByRingCentral += 1;
  else if (status === 'failed') env.state.counters.failed += 1;
  else env.state.counters.retryLater += 1;
  env.state.ctx.fail({
    kind: item.kind,
    sourceId: item.sourceId,
    attachmentId: item.attachmentId,
    outcome: status,
    reason,
  });
  env.deps.logger.warn(
    { kind: item.kind, sourceId: item.sourceId, outcome: status, reason: errorMessage(reason) },
    'item not archived',
  );
}
