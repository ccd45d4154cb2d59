import { renderItemPath, type PathSettings } from '../../archive/paths.ts';
import { parseTemplate } from '../../archive/template.ts';
import { canonicalTimezone } from '../../archive/local-time.ts';

/** A sample recording, so admins see what their templates produce before saving them. */
export function examplePath(
  company: string,
  settings: PathSettings,
  now: number,
): { path: string } | { error: string } {
  const folder = parseTemplate(settings.folderTemplate, 'folder');
  if (!folder.ok) return { error: folder.message };
  const file = parseTemplate(settings.fileTemplate, 'file');
  if (!file.ok) return { error: file.message };
  const timezone = canonicalTimezone(settings.timezone);
  if (!timezone)
    return { error: `"${settings.timezone.slice(0, 60)}" is not a time zone name such as America/New_York.` };
  try {
    return {
      path: renderItemPath(
        { ...settings, timezone },
        {
          company,
          kind: 'recording',
          timestamp: new Date(now).toISOString(),
          extension: { id: '1001', number: '101', name: 'Jane Doe' },
          direction: 'Inbound',
          from: { phoneNumber: '+15551230000' },
          to: [{ extensionNumber: '101', name: 'Jane Doe' }],
          id: '1662272004',
          fileExtension: 'mp3',
        },
      ),
    };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

/** Every IANA time zone the runtime knows, for the select box. */
export const TIME_ZONES: readonly string[] = Intl.supportedValuesOf('timeZone');
