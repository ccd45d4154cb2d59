/**
 * The admin message-store export: task Accepted → InProgress → Completed on the simulator clock,
 * archives listed with their sizes, ZIPs downloaded from the media host with the bearer token,
 * every message and attachment of every extension present (hashes match the inventory), entries
 * streamable front to back, and attachments split across archives when they exceed the limit.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import yauzl from 'yauzl';
import type { RcSim } from '../../../src/sandbox/ringcentral/index.ts';
import { apiError, DAY_MS, getJson, signIn, startSim, type MessageJson, type Platform } from './helpers.ts';

interface Task {
  id: string;
  uri: string;
  status: string;
  finishTime?: string;
}

function unzip(buf: Buffer): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(buf, { lazyEntries: true }, (err, zip) => {
      if (err) return reject(err);
      const files = new Map<string, Buffer>();
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (e, stream) => {
          if (e) return reject(e);
          const parts: Buffer[] = [];
          stream.on('data', (c: Buffer) => parts.push(c));
          stream.on('end', () => {
            files.set(entry.fileName, Buffer.concat(parts));
            zip.readEntry();
          });
        });
      });
      zip.on('end', () => resolve(files));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

/** Walks local headers from the start, as a streaming reader would, without the central directory. */
function walkLocalHeaders(buf: Buffer): Array<{ name: string; size: number; flags: number }> {
  const out: Array<{ name: string; size: number; flags: number }> = [];
  let at = 0;
  while (buf.readUInt32LE(at) === 0x04034b50) {
    const flags = buf.readUInt16LE(at + 6);
    const size = buf.readUInt32LE(at + 18);
    const nameLen = buf.readUInt16LE(at + 26);
    const extraLen = buf.readUInt16LE(at + 28);
    out.push({ name: buf.toString('utf8', at + 30, at + 30 + nameLen), size, flags });
    at += 30 + nameLen + extraLen + size;
  }
  return out;
}

async function download(platform: Platform, uri: string): Promise<{ buf: Buffer; length: number }> {
  const res = await platform.get(uri);
  expect(res.headers.get('content-type')).toBe('application/zip');
  return { buf: Buffer.from(await res.arrayBuffer()), length: Number(res.headers.get('content-length')) };
}

async function runExport(platform: Platform, body: Record<string, unknown>): Promise<Task> {
  const res = await platform.post('/restapi/v1.0/account/~/message-store-report', body);
  expect(res.status).toBe(202);
  return (await res.json()) as Task;
}

let sim: RcSim;
let platform: Platform;

beforeAll(async () => {
  sim = await startSim({
    accounts: [{ seed: 21, extensions: 12, days: 4, mmsShare: 0.4, voicemailSizeRange: [20_000, 60_000] }],
    limits: { Heavy: 10_000, Light: 10_000, Medium: 10_000 },
    exportDelayMs: 10_000,
    exportArchiveMaxBytes: 400_000,
  });
  platform = await signIn(sim, '101');
});

afterAll(async () => {
  await sim.close();
});

describe('message-store export', () => {
  it('moves Accepted → InProgress → Completed and refuses the archive list before completion', async () => {
    const task = await runExport(platform, { dateFrom: new Date(sim.now() - DAY_MS).toISOString() });
    expect(task.status).toBe('Accepted');
    expect(task.uri).toBe(
      `${sim.url}/restapi/v1.0/account/${sim.accounts()[0]!.accountId}/message-store-report/${task.id}`,
    );
    const early = await apiError(
      platform.get(`/restapi/v1.0/account/~/message-store-report/${task.id}/archive`),
    );
    expect(early.status).toBe(400);
    sim.advanceClock(6_000);
    expect((await getJson<Task>(platform, task.uri)).status).toBe('InProgress');
    sim.advanceClock(5_000);
    const done = await getJson<Task>(platform, task.uri);
    expect(done.status).toBe('Completed');
    expect(done.finishTime).toBeDefined();
  });

  it('yields every message and attachment of every extension, split into ZIPs of at most the limit', async () => {
    const inventory = await sim.inventory();
    const task = await runExport(platform, {
      dateFrom: new Date(sim.now() - 5 * DAY_MS).toISOString(),
      dateTo: new Date(sim.now()).toISOString(),
    });
    sim.advanceClock(10_000);
    const archive = await getJson<{ records: Array<{ size: number; uri: string }> }>(
      platform,
      `/restapi/v1.0/account/~/message-store-report/${task.id}/archive`,
    );
    expect(archive.records.length).toBeGreaterThan(2); // metadata + attachments split at 400 kB

    const messages: MessageJson[] = [];
    const files = new Map<string, Buffer>();
    for (const [index, record] of archive.records.entries()) {
      expect(record.uri.startsWith(`${sim.mediaUrl}/`)).toBe(true);
      const { buf, length } = await download(platform, record.uri);
      expect(buf.length).toBe(record.size);
      expect(length).toBe(record.size);
      if (index > 0) expect(record.size).toBeLessThanOrEqual(400_000);
      // Streamable: sizes in every local header, no data descriptors.
      const local = walkLocalHeaders(buf);
      for (const h of local) expect(h.flags & 0x08).toBe(0);
      const entries = await unzip(buf);
      expect(local.map((h) => h.name)).toEqual([...entries.keys()]);
      for (const [name, data] of entries) {
        if (index === 0) {
          expect(name).toMatch(/^account\/\d+\/extension\/\d+\/message-store\.json$/);
          messages.push(...(JSON.parse(data.toString('utf8')) as { records: MessageJson[] }).records);
        } else {
          expect(name).toMatch(/^account\/\d+\/extension\/\d+\/message-store\/content\/\d+\/\d+\.\w+$/);
          files.set(name, data);
        }
      }
    }

    expect(messages.map((m) => String(m.id)).sort()).toEqual(inventory.messages.map((m) => m.id).sort());
    const accountId = inventory.accountId;
    let attachments = 0;
    for (const m of inventory.messages) {
      for (const a of m.attachments) {
        const name = [...files.keys()].find((n) =>
          n.startsWith(
            `account/${accountId}/extension/${m.extensionId}/message-store/content/${m.id}/${a.id}.`,
          ),
        );
        expect(name, `attachment ${a.id} of message ${m.id}`).toBeDefined();
        expect(createHash('sha256').update(files.get(name!)!).digest('hex')).toBe(a.sha256);
        attachments++;
      }
    }
    expect(files.size).toBe(attachments);
  });

  it('filters by messageTypes and serves Range requests on archives', async () => {
    const task = await runExport(platform, {
      dateFrom: new Date(sim.now() - 5 * DAY_MS).toISOString(),
      messageTypes: ['Fax'],
    });
    sim.advanceClock(10_000);
    const archive = await getJson<{ records: Array<{ size: number; uri: string }> }>(
      platform,
      `/restapi/v1.0/account/~/message-store-report/${task.id}/archive`,
    );
    const meta = await download(platform, archive.records[0]!.uri);
    const entries = await unzip(meta.buf);
    const types = new Set<string>();
    for (const data of entries.values()) {
      for (const m of (JSON.parse(data.toString('utf8')) as { records: MessageJson[] }).records)
        types.add(m.type);
    }
    expect([...types]).toEqual(['Fax']);
    const part = await platform.get(archive.records[0]!.uri, undefined, {
      headers: { Range: 'bytes=10-99' },
    });
    expect(part.status).toBe(206);
    expect(Buffer.from(await part.arrayBuffer()).equals(meta.buf.subarray(10, 100))).toBe(true);
  });

  it('is refused to a non-admin', async () => {
    const inventory = await sim.inventory(undefined, { sha256: false });
    const nonAdmin = inventory.extensions.find((e) => e.type === 'User' && !e.admin)!;
    const user = await signIn(sim, nonAdmin.extensionNumber);
    const { status, body } = await apiError(user.post('/restapi/v1.0/account/~/message-store-report', {}));
    expect(status).toBe(403);
    expect(body.errors[0]!.errorCode).toBe('CMN-408');
  });
});
