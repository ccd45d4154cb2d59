import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  advanceClockOp,
  alterFileOp,
  createAccountOp,
  deleteFileOp,
  filesSnapshot,
  issueTokensOp,
  putFileOp,
  revokeTokensOp,
  setFaultsOp,
  setQuotaOp,
  statsOp,
  type SimFileSummary,
  type SimFilesSnapshot,
  type SimStatsSnapshot,
} from './admin-ops.ts';
import type { JsonObject } from './errors.ts';
import type { DropboxSimFaults, DropboxSimFaultsInput } from './faults.ts';
import { createApp } from './server.ts';
import { SimState } from './state.ts';

/**
 * The Dropbox simulator: OAuth consent page and token endpoint, the API routes the archiver uses,
 * and `/__sim` controls, on one HTTP listener. See docs/simulators/dropbox.md.
 */

export type { DropboxSimFaults, DropboxSimFaultsInput } from './faults.ts';
export type { SimFileSummary, SimFilesSnapshot, SimStatsSnapshot } from './admin-ops.ts';
export type { CallStats } from './stats.ts';

interface DropboxSimApp {
  appKey: string;
  appSecret: string;
  redirectUris: string[];
  /** Scopes the app may request (default: account_info.read, files.content.read/write, files.metadata.read/write). */
  scopes?: string[];
}

export interface DropboxSimOptions {
  port?: number;
  host?: string;
  apps: DropboxSimApp[];
  /** Lifetime of access tokens; Dropbox's is 4 hours. */
  accessTokenTtlSeconds?: number;
  /** File bytes live on disk here (default: a fresh temp dir removed on close), never in memory. */
  storageDir?: string;
  /** Allocation of each new account (default 2 GiB, a Basic account). */
  defaultQuotaBytes?: number;
  /** The simulator's clock (default Date.now); `advanceClock` moves it further. */
  now?: () => number;
}

export interface DropboxSim {
  url: string;
  close(): Promise<void>;
  files(): Promise<SimFilesSnapshot>;
  setFaults(faults: DropboxSimFaultsInput): Promise<DropboxSimFaults>;
  deleteFile(email: string, path: string): Promise<{ deleted: number }>;
  /** Replaces a file's bytes as its owner would; without bytes, flips the first byte. */
  alterFile(email: string, path: string, bytes?: Uint8Array): Promise<SimFileSummary>;
  putFile(email: string, path: string, bytes: Uint8Array | string): Promise<SimFileSummary>;
  setQuota(email: string, allocatedBytes: number): Promise<JsonObject>;
  revokeTokens(email: string): Promise<{ revoked: number }>;
  stats(email?: string): Promise<SimStatsSnapshot>;
  resetStats(): Promise<void>;
  advanceClock(ms: number): Promise<{ nowMs: number; now: string }>;
  /** The simulator's current time in ms. */
  now(): number;
  createAccount(email: string, allocatedBytes?: number): Promise<JsonObject>;
  /** Tokens for an account without the consent page (the token endpoint's JSON). */
  issueTokens(
    email: string,
    options?: { appKey?: string; tokenAccessType?: 'offline' | 'online'; scopes?: string[] },
  ): Promise<JsonObject>;
}

const DEFAULT_ACCESS_TOKEN_TTL_SECONDS = 14_400;
const DEFAULT_QUOTA_BYTES = 2 * 1024 * 1024 * 1024;

export async function startDropboxSimulator(options: DropboxSimOptions): Promise<DropboxSim> {
  const sim = await SimState.create({
    apps: options.apps,
    accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? DEFAULT_ACCESS_TOKEN_TTL_SECONDS,
    storageDir: options.storageDir,
    defaultQuotaBytes: options.defaultQuotaBytes ?? DEFAULT_QUOTA_BYTES,
    now: options.now ?? Date.now,
  });
  const server = createServer(createApp(sim));
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const run = <T>(fn: () => T | Promise<T>): Promise<T> => Promise.resolve().then(fn);

  return {
    url: `http://${urlHost}:${port}`,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await sim.blobs.close();
    },
    files: () => run(() => filesSnapshot(sim)),
    setFaults: (faults) => run(() => setFaultsOp(sim, faults)),
    deleteFile: (email, path) => run(() => deleteFileOp(sim, email, path)),
    alterFile: (email, path, bytes) => run(() => alterFileOp(sim, email, path, bytes)),
    putFile: (email, path, bytes) =>
      run(() => putFileOp(sim, email, path, typeof bytes === 'string' ? Buffer.from(bytes) : bytes)),
    setQuota: (email, allocatedBytes) => run(() => setQuotaOp(sim, email, allocatedBytes)),
    revokeTokens: (email) => run(() => revokeTokensOp(sim, email)),
    stats: (email) => run(() => statsOp(sim, email)),
    resetStats: () => run(() => sim.stats.reset()),
    advanceClock: (ms) => run(() => advanceClockOp(sim, ms)),
    now: () => sim.clock.now(),
    createAccount: (email, allocatedBytes) => run(() => createAccountOp(sim, email, allocatedBytes)),
    issueTokens: (email, opts = {}) => run(() => issueTokensOp(sim, { email, ...opts })),
  };
}
