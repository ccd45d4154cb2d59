/**
 * The simulator's two bases (platform and media, like platform.ringcentral.com and
 * media.ringcentral.com) and the URIs it emits. Every URI is absolute, because the SDK follows
 * `uri`, `contentUri` and navigation links as given.
 */
export class Urls {
  platform = '';
  media = '';

  account(accountId: string): string {
    return `${this.platform}/restapi/v1.0/account/${accountId}`;
  }

  extension(accountId: string, extensionId: number | string): string {
    return `${this.account(accountId)}/extension/${extensionId}`;
  }

  recording(accountId: string, recordingId: string): string {
    return `${this.account(accountId)}/recording/${recordingId}`;
  }

  recordingContent(accountId: string, recordingId: string): string {
    return `${this.media}/restapi/v1.0/account/${accountId}/recording/${recordingId}/content`;
  }

  message(accountId: string, extensionId: number, messageId: number): string {
    return `${this.extension(accountId, extensionId)}/message-store/${messageId}`;
  }

  attachmentContent(accountId: string, extensionId: number, messageId: number, attachmentId: number): string {
    return `${this.media}/restapi/v1.0/account/${accountId}/extension/${extensionId}/message-store/${messageId}/content/${attachmentId}`;
  }

  exportTask(accountId: string, taskId: string): string {
    return `${this.account(accountId)}/message-store-report/${taskId}`;
  }

  exportArchive(accountId: string, taskId: string, index: number): string {
    return `${this.media}/restapi/v1.0/account/${accountId}/message-store-report/${taskId}/archive/${index}`;
  }

  /** An absolute URL for a platform path plus query parameters (repeated keys for arrays). */
  withQuery(base: string, query: Array<[string, string]>): string {
    if (query.length === 0) return base;
    const qs = query.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
    return `${base}?${qs}`;
  }
}
