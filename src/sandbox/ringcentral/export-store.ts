/**
 * Message-store export tasks. A task snapshots the messages of its window when it is created and
 * moves Accepted → InProgress → Completed over `delayMs` of simulator time; its ZIP archives are
 * planned once, on first request after completion.
 */
import { randomBytes } from 'node:crypto';
import type { Message } from './model.ts';
import type { ZipEntry } from './zip.ts';

export interface ExportArchive {
  entries: ZipEntry[];
  size: number;
}

export interface ExportTask {
  id: string;
  accountId: string;
  extensionId: number;
  dateFrom: number;
  dateTo: number;
  messageTypes: string[];
  createdAt: number;
  messages: Message[];
  archives?: ExportArchive[];
}

type ExportStatus = 'Accepted' | 'InProgress' | 'Completed';

export class ExportStore {
  readonly delayMs: number;
  readonly maxArchiveBytes: number;
  private readonly tasks = new Map<string, ExportTask>();

  constructor(delayMs: number, maxArchiveBytes: number) {
    this.delayMs = delayMs;
    this.maxArchiveBytes = maxArchiveBytes;
  }

  create(input: Omit<ExportTask, 'id'>): ExportTask {
    const id = `${input.accountId}-${input.extensionId}-${randomBytes(16).toString('hex')}`;
    const task: ExportTask = { ...input, id };
    this.tasks.set(id, task);
    return task;
  }

  get(accountId: string, id: string): ExportTask | undefined {
    const task = this.tasks.get(id);
    return task?.accountId === accountId ? task : undefined;
  }

  status(task: ExportTask, now: number): { status: ExportStatus; finishTime?: number } {
    const elapsed = now - task.createdAt;
    if (elapsed >= this.delayMs) return { status: 'Completed', finishTime: task.createdAt + this.delayMs };
    return { status: elapsed < this.delayMs / 2 ? 'Accepted' : 'InProgress' };
  }
}
