/**
 * Call recordings (Heavy, ReadCallRecording): metadata on the platform listener, content on the
 * media listener. A recording that is deleted, past retention or not attached yet is a 404
 * CMN-102. Non-admins may fetch only recordings of their own calls (403 CMN-408 otherwise).
 */
import type { Request, Router } from 'express';
import { resolveAccount } from '../access.ts';
import { apiRoute, type ApiContext } from '../api-route.ts';
import { recordingSource } from '../content-sources.ts';
import { rcErrors } from '../errors.ts';
import type { CallRecord, Recording } from '../model.ts';
import type { SimState } from '../state.ts';
import { serveContent } from './serve-content.ts';

function findRecording(req: Request, ctx: ApiContext): { call: CallRecord; recording: Recording } {
  const account = resolveAccount(ctx, req.params.accountId as string);
  const id = req.params.recordingId as string;
  const call = account.recording(id, ctx.now);
  if (!call?.recording) throw rcErrors.notFound('recordingId', id);
  if (!ctx.user.admin && call.extensionId !== ctx.user.id) throw rcErrors.userPermission('ReadCallRecording');
  return { call, recording: call.recording };
}

export function recordingRoutes(router: Router, state: SimState): void {
  router.get(
    '/restapi/v1.0/account/:accountId/recording/:recordingId',
    apiRoute(state, { group: 'Heavy', permission: 'ReadCallRecording' }, (req, res, ctx) => {
      const { recording } = findRecording(req, ctx);
      res.json({
        uri: state.urls.recording(ctx.account.id, recording.id),
        id: recording.id,
        contentUri: state.urls.recordingContent(ctx.account.id, recording.id),
        contentType: recording.contentType,
        duration: recording.duration,
      });
    }),
  );
}

export function recordingContentRoutes(router: Router, state: SimState): void {
  router.get(
    '/restapi/v1.0/account/:accountId/recording/:recordingId/content',
    apiRoute(
      state,
      { group: 'Heavy', permission: 'ReadCallRecording', media: true },
      async (req, res, ctx) => {
        const { recording } = findRecording(req, ctx);
        if (state.faults.takeDeleteOnDownload() && ctx.account.deleteRecording(recording.id)) {
          state.stats.of(ctx.account.id).deletedOnDownload.push({ kind: 'recording', id: recording.id });
          throw rcErrors.notFound('recordingId', recording.id);
        }
        const { source } = recordingSource(recording);
        await serveContent(req, res, state, ctx.account.id, {
          size: source.size,
          contentType: source.contentType,
          fileName: `recording-${recording.id}.${recording.contentType === 'audio/mpeg' ? 'mp3' : 'wav'}`,
          open: (start, end) => source.open(start, end),
          fill: source.fill,
        });
      },
    ),
  );
}
