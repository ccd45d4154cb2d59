/**
 * The admin message-store export (Heavy, account-wide, admins only): create a task for a window,
 * poll it with backoff until it completes, list its archives, download each ZIP to a temporary
 * file (streamed: constant memory whatever its size), and hand out every message with its
 * attachments read straight from the ZIPs. The temporary files are deleted when the generator
 * finishes, fails or is abandoned; attachments can be opened until then.
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pRetry from 'p-retry';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import type { RingCentralApi } from './api.ts';
import { readAll } from './checked-body.ts';
import { attachmentKey, parseEntryName, parseMailboxFile } from './export-layout.ts';
import { toMessageRecord, type MessageAttachment, type MessageRecord, type MessageType } from './records.ts';
import { SourceError } from './source-error.ts';
import { wait } from './wait.ts';

export interface ExportedAttachment {
  id: string;
  type: string;
  contentType: string;
  size: number | null;
  /** `archive`: the file is in the export; `api`: it is not, and `open` downloads it (Medium). */
  source: 'archive' | 'api';
  open(): Promise<Readable>;
}

export interface ExportedMessage {
  record: MessageRecord;
  extensionId: string;
  attachments: ExportedAttachment[];
}

interface MessageExportOptions {
  dateFrom: Date;
  dateTo: Date;
  /** Where the ZIPs are downloaded to (a temporary folder inside it is removed afterwards). */
  workDir: string;
  types?: readonly MessageType[];
  signal?: AbortSignal;
  /** Polling backoff for the task (each poll is a Heavy call). Default 2 s growing to 30 s. */
  poll?: { initialMs: number; maxMs: number };
}

const REPORT_PATH = '/restapi/v1.0/account/~/message-store-report';

interface ExportTask {
  id: string;
  status: string;
}

/** The export's messages one by one (each attachment must be read before asking for the next). */
export async function* readMessageExport(
  api: RingCentralApi,
  options: MessageExportOptions,
): AsyncGenerator<ExportedMessage> {
  for await (const batch of readMessageExportBatches(api, options)) yield* batch;
}

/**
 * The export's messages in batches of up to `batchSize`. The ZIPs stay open until the consumer asks
 * for the batch after the last one, so a consumer that archives each batch (reading its
 * attachments) before asking for the next never reads from a closed archive.
 */
export async function* readMessageExportBatches(
  api: RingCentralApi,
  options: MessageExportOptions & { batchSize?: number },
): AsyncGenerator<ExportedMessage[]> {
  const batchSize = options.batchSize ?? 200;
  let batch: ExportedMessage[] = [];
  const { signal } = options;
  const created = await api.post<ExportTask>(
    REPORT_PATH,
    {
      dateFrom: options.dateFrom.toISOString(),
      dateTo: options.dateTo.toISOString(),
      ...(options.types && options.types.length > 0 ? { messageTypes: [...options.types] } : {}),
    },
    { signal },
  );
  const taskPath = `${REPORT_PATH}/${encodeURIComponent(created.id)}`;
  await waitUntilCompleted(api, taskPath, created, options);
  const listing = await api.get<{ records?: Array<{ uri: string; size?: number }> }>(
    `${taskPath}/archive`,
    undefined,
    { signal },
  );

  const dir = await mkdtemp(join(options.workDir, 'rc-export-'));
  const zips: ZipFile[] = [];
  try {
    for (const [i, archive] of (listing.records ?? []).entries()) {
      const file = join(dir, `${i}.zip`);
      await downloadArchive(api, archive.uri, file, signal);
      zips.push(await yauzl.openPromise(file, { lazyEntries: true, autoClose: false }));
    }
    const mailboxes: Array<{ zip: ZipFile; entry: Entry; extensionId: string }> = [];
    const files = new Map<string, { zip: ZipFile; entry: Entry }>();
    for (const zip of zips) {
      for await (const entry of zip.eachEntry()) {
        const name = parseEntryName(entry.fileName);
        if (name.kind === 'mailbox') mailboxes.push({ zip, entry, extensionId: name.extensionId });
        if (name.kind === 'attachment')
          files.set(attachmentKey(name.messageId, name.attachmentId), { zip, entry });
      }
    }
    for (const mailbox of mailboxes) {
      signal?.throwIfAborted();
      const text = (await readAll(await mailbox.zip.openReadStreamPromise(mailbox.entry))).toString('utf8');
      for (const raw of parseMailboxFile(text, mailbox.entry.fileName)) {
        const record = toMessageRecord(raw);
        batch.push({
          record,
          extensionId: record.extensionId ?? mailbox.extensionId,
          attachments: record.attachments.map((a) =>
            exportedAttachment(api, a, files.get(attachmentKey(record.id, a.id)), signal),
          ),
        });
        if (batch.length >= batchSize) {
          yield batch;
          batch = [];
        }
      }
    }
    if (batch.length > 0) yield batch;
  } finally {
    for (const zip of zips) zip.close();
    await rm(dir, { recursive: true, force: true });
  }
}

function exportedAttachment(
  api: RingCentralApi,
  attachment: MessageAttachment,
  file: { zip: ZipFile; entry: Entry } | undefined,
  signal: AbortSignal | undefined,
): ExportedAttachment {
  return {
    id: attachment.id,
    type: attachment.type,
    contentType: attachment.contentType,
    size: file ? file.entry.uncompressedSize : (attachment.size ?? null),
    source: file ? 'archive' : 'api',
    open: async () =>
      file
        ? file.zip.openReadStreamPromise(file.entry)
        : (await api.download(attachment.uri, { signal })).body,
  };
}

/**
 * An archive can be up to 1 GB: one cut connection should not cost the whole export (a new task
 * next run), so a download that fails as `retry` is started over a few times. The request itself
 * is already retried by the API client; this covers a body cut short after its headers.
 */
async function downloadArchive(
  api: RingCentralApi,
  uri: string,
  file: string,
  signal: AbortSignal | undefined,
): Promise<void> {
  await pRetry(
    async () => {
      const download = await api.download(uri, { signal });
      await pipeline(download.body, createWriteStream(file), { signal });
    },
    {
      retries: 2,
      minTimeout: 1_000,
      signal,
      shouldRetry: ({ error }) => error instanceof SourceError && error.kind === 'retry',
    },
  );
}

const FINISHED_BADLY = new Set(['Failed', 'Cancelled']);

async function waitUntilCompleted(
  api: RingCentralApi,
  taskPath: string,
  created: ExportTask,
  options: MessageExportOptions,
): Promise<void> {
  const poll = options.poll ?? { initialMs: 2_000, maxMs: 30_000 };
  let task = created;
  let delay = poll.initialMs;
  while (task.status !== 'Completed') {
    if (FINISHED_BADLY.has(task.status)) {
      throw new SourceError({
        kind: 'retry',
        message: `RingCentral's message-store export ended as ${task.status}; it is requested again on the next run.`,
      });
    }
    await wait(delay, options.signal);
    delay = Math.min(poll.maxMs, Math.round(delay * 1.5));
    task = await api.get<ExportTask>(taskPath, undefined, { signal: options.signal });
  }
}
