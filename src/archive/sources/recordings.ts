/**
 * Call recording content (Heavy), streamed from the record's `contentUri` as given — it points at
 * the media host, and RingCentral's docs write it with and without `:443`, so it is never rebuilt
 * or compared. A recording deleted at RingCentral or past retention answers 404: SourceError
 * `gone`.
 */
import type { Download, RingCentralApi } from './api.ts';
import type { RecordingRef } from './records.ts';

export function openRecording(
  api: RingCentralApi,
  recording: Pick<RecordingRef, 'contentUri'>,
  options: { signal?: AbortSignal } = {},
): Promise<Download> {
  return api.download(recording.contentUri, options);
}
