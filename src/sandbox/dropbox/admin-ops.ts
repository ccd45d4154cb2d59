import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { contentHash } from '../../lib/content-hash.ts';
import type { Account } from './accounts.ts';
import { isEmail } from './accounts.ts';
import { dropboxTimestamp } from './clock.ts';
import type { JsonObject } from './errors.ts';
import { faultsInputSchema, type DropboxSimFaults, type DropboxSimFaultsInput } from './faults.ts';
import { componentProblem, lowerPath } from './paths.ts';
import type { SimState } from './state.ts';
import type { CallStats } from './stats.ts';
import { tokenResponse } from './tokens.ts';
import { hasFileAncestor, putFile } from './write.ts';

/**
 * The simulator's own controls, shared by the `/__sim` HTTP routes and the typed helpers on the
 * handle `startDropboxSimulator` returns. They act as the Dropbox user or as Dropbox itself, so they
 * bypass the namespace lock, rate limits and faults.
 */

export class AdminError extends Error {
  readonly status: number;

  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

export interface SimFileSummary {
  path_display: string;
  size: number;
  content_hash: string;
  sha256: string;
}

export interface SimFilesSnapshot {
  accounts: Array<{ accountId: string; email: string; files: SimFileSummary[] }>;
}

interface SimAccountStats extends CallStats {
  accountId: string;
  email: string;
  usedBytes: number;
  allocatedBytes: number;
}

export interface SimStatsSnapshot {
  accounts: SimAccountStats[];
  unattributed: CallStats;
  internalErrors: string[];
}

function existingAccount(sim: SimState, email: string): Account {
  const account = sim.accounts.findByEmail(email);
  if (!account) throw new AdminError(404, `no account with email ${email}`);
  return account;
}

function newAccount(sim: SimState, email: string): Account {
  if (!isEmail(email)) throw new AdminError(400, `not an email address: ${email}`);
  return sim.accounts.ensure(email);
}

/** A Dropbox path for the simulator's own edits: absolute, no root, components valid for writing. */
function components(path: string): string[] {
  const parts = path.startsWith('/') ? path.slice(1).split('/') : null;
  if (!parts || componentProblem(parts, true) !== null)
    throw new AdminError(400, `not a valid Dropbox file path: ${path}`);
  return parts;
}

const summary = (node: {
  pathDisplay: string;
  size: number;
  contentHash: string;
  sha256: string;
}): SimFileSummary => ({
  path_display: node.pathDisplay,
  size: node.size,
  content_hash: node.contentHash,
  sha256: node.sha256,
});

export function filesSnapshot(sim: SimState): SimFilesSnapshot {
  return {
    accounts: sim.accounts.all().map((account) => ({
      accountId: account.accountId,
      email: account.email,
      files: account.namespace
        .files()
        .sort((a, b) => (a.pathLower < b.pathLower ? -1 : 1))
        .map(summary),
    })),
  };
}

/** Writes bytes at a path as the user would (new rev; same id when it replaces a file). */
async function writeAsUser(
  sim: SimState,
  account: Account,
  parts: string[],
  bytes: Uint8Array,
): Promise<SimFileSummary> {
  const ns = account.namespace;
  if (hasFileAncestor(ns, parts)) throw new AdminError(409, 'a file is in the way of a parent folder');
  if (ns.get(lowerPath(parts))?.kind === 'folder') throw new AdminError(409, 'a folder is at that path');
  const blobPath = await sim.blobs.writeFile(bytes);
  const now = sim.clock.now();
  const { node, replaced } = putFile(ns, parts, {
    size: bytes.length,
    contentHash: contentHash(bytes),
    sha256: createHash('sha256').update(bytes).digest('hex'),
    blobPath,
    clientModified: now,
    serverModified: now,
  });
  if (replaced) await sim.blobs.remove(replaced.blobPath);
  return summary(node);
}

export function putFileOp(
  sim: SimState,
  email: string,
  path: string,
  bytes: Uint8Array,
): Promise<SimFileSummary> {
  return writeAsUser(sim, newAccount(sim, email), components(path), bytes);
}

/** Changes an existing file's bytes (by default flips its first byte), as a user editing it would. */
export async function alterFileOp(
  sim: SimState,
  email: string,
  path: string,
  bytes?: Uint8Array,
): Promise<SimFileSummary> {
  const account = existingAccount(sim, email);
  const parts = components(path);
  const node = account.namespace.get(lowerPath(parts));
  if (node?.kind !== 'file') throw new AdminError(404, `no file at ${path}`);
  return writeAsUser(sim, account, parts, bytes ?? flipFirstByte(await readFile(node.blobPath)));
}

function flipFirstByte(current: Buffer): Buffer {
  if (current.length === 0) return Buffer.from('x');
  current[0] = (current[0] ?? 0) ^ 0xff;
  return current;
}

export async function deleteFileOp(sim: SimState, email: string, path: string): Promise<{ deleted: number }> {
  const account = existingAccount(sim, email);
  const removed = account.namespace.remove(lowerPath(components(path)));
  if (removed.length === 0) throw new AdminError(404, `nothing at ${path}`);
  for (const node of removed) if (node.kind === 'file') await sim.blobs.remove(node.blobPath);
  return { deleted: removed.length };
}

export function setQuotaOp(sim: SimState, email: string, allocatedBytes: number): JsonObject {
  if (!Number.isInteger(allocatedBytes) || allocatedBytes < 0)
    throw new AdminError(400, 'allocatedBytes must be a non-negative integer');
  const account = newAccount(sim, email);
  account.allocatedBytes = allocatedBytes;
  return {
    accountId: account.accountId,
    email: account.email,
    used: account.namespace.usedBytes,
    allocated: allocatedBytes,
  };
}

export function createAccountOp(sim: SimState, email: string, allocatedBytes?: number): JsonObject {
  const account = newAccount(sim, email);
  if (allocatedBytes !== undefined) setQuotaOp(sim, email, allocatedBytes);
  return {
    accountId: account.accountId,
    email: account.email,
    uid: account.uid,
    displayName: account.displayName,
  };
}

export function accountsOp(sim: SimState): JsonObject[] {
  return sim.accounts.all().map((account) => ({
    accountId: account.accountId,
    email: account.email,
    displayName: account.displayName,
    usedBytes: account.namespace.usedBytes,
    allocatedBytes: account.allocatedBytes,
  }));
}

export function revokeTokensOp(sim: SimState, email: string): { revoked: number } {
  return { revoked: sim.tokens.revokeAccount(existingAccount(sim, email).accountId) };
}

export function statsOp(sim: SimState, email?: string): SimStatsSnapshot {
  const accounts = email === undefined ? sim.accounts.all() : [existingAccount(sim, email)];
  return {
    accounts: accounts.map((account) => ({
      accountId: account.accountId,
      email: account.email,
      usedBytes: account.namespace.usedBytes,
      allocatedBytes: account.allocatedBytes,
      ...sim.stats.snapshot(account.accountId),
    })),
    unattributed: sim.stats.snapshot(null),
    internalErrors: [...sim.internalErrors],
  };
}

export function advanceClockOp(sim: SimState, ms: number): { nowMs: number; now: string } {
  if (!Number.isFinite(ms) || ms < 0) throw new AdminError(400, 'advanceMs must be a non-negative number');
  sim.clock.advance(ms);
  const nowMs = sim.clock.now();
  return { nowMs, now: dropboxTimestamp(nowMs) };
}

export function setFaultsOp(sim: SimState, input: DropboxSimFaultsInput): DropboxSimFaults {
  const parsed = faultsInputSchema.safeParse(input);
  if (!parsed.success) {
    throw new AdminError(
      400,
      parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '),
    );
  }
  if (parsed.data.revokeTokensFor !== undefined) revokeTokensOp(sim, parsed.data.revokeTokensFor);
  sim.faults.apply(parsed.data);
  return sim.faults.current;
}

/**
 * Tokens for an account without going through the consent page: a shortcut for tests and the demo
 * seed. The grant behaves exactly like one made by the code flow (refresh, revoke, expiry).
 */
export function issueTokensOp(
  sim: SimState,
  request: { email: string; appKey?: string; tokenAccessType?: 'offline' | 'online'; scopes?: string[] },
): JsonObject {
  const app = request.appKey === undefined ? [...sim.apps.values()][0] : sim.apps.get(request.appKey);
  if (!app) throw new AdminError(404, `no app ${request.appKey ?? ''}`);
  const scopes = request.scopes ?? app.scopes;
  if (scopes.some((scope) => !app.scopes.includes(scope)))
    throw new AdminError(400, 'scope not available to the app');
  const account = newAccount(sim, request.email);
  const grant = sim.tokens.createGrant(
    {
      appKey: app.appKey,
      accountId: account.accountId,
      redirectUri: null,
      scopes,
      offline: (request.tokenAccessType ?? 'offline') === 'offline',
      challenge: null,
      challengeMethod: 'S256',
      expiresAt: 0,
    },
    false,
  );
  return tokenResponse(sim.tokens.issueAccessToken(grant), account, grant.refreshToken);
}
