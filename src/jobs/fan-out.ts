import type { Agenda } from 'agenda';
import pMap from 'p-map';

/** What a per-company job of a fanned-out round carries. */
export interface CompanyJobData {
  tenantId: string;
  /** The round it belongs to (the UTC day of a daily job): one job per company per round. */
  round: string;
}

/**
 * A deployment-wide job's work split into one job per company, so that every worker takes a share
 * (each locks only as many at once as its definition's lockLimit). Companies arrive a page at a time
 * (nothing loads them all); a company still queued for this round is not queued again, so a fan-out
 * that runs twice (a retry, two workers' "single" rows racing) adds nothing while the first one's
 * jobs wait. A job that is done is removed, though, and its company queued again: a per-company job
 * whose work must not repeat within a round checks that itself (the daily verification does).
 */
export async function fanOut(
  agenda: Agenda,
  jobName: string,
  round: string,
  pages: AsyncIterable<readonly string[]>,
): Promise<number> {
  let queued = 0;
  for await (const tenantIds of pages) {
    await pMap(
      tenantIds,
      (tenantId) =>
        agenda
          .create<CompanyJobData>(jobName, { tenantId, round })
          .unique({ 'data.tenantId': tenantId, 'data.round': round }, { insertOnly: true })
          .save(),
      { concurrency: 8 },
    );
    queued += tenantIds.length;
  }
  return queued;
}

/** The round of a daily job run at `now`: its UTC day. */
export const dailyRound = (now: number): string => new Date(now).toISOString().slice(0, 10);
