/** Content sources of the simulator's binaries, keyed so their digests can be cached. */
import type { Attachment, Recording } from './model.ts';
import { attachmentSource, audioSource, type ContentSource } from './seed/media.ts';

export function recordingSource(rec: Recording): { key: string; source: ContentSource } {
  return { key: `rec:${rec.id}`, source: audioSource(`rec:${rec.id}`, rec.contentType, rec.size) };
}

export function attachmentContent(att: Attachment): { key: string; source: ContentSource } {
  return {
    key: `att:${att.id}`,
    source: attachmentSource(`att:${att.id}`, att.contentType, att.size, att.body),
  };
}
