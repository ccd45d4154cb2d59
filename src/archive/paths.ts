import { idToken } from './id-token.ts';
import { dateTimeParts, isCalendarDay, parseInstant } from './local-time.ts';
import type { NameRules } from '../destinations/types.ts';
import {
  DEFAULT_NAME_RULES,
  cleanCharacters,
  nameLength,
  sanitizeComponent,
  truncateUnits,
} from './path-component.ts';
import { type Placeholder, type TemplateSegment, parseTemplate } from './template.ts';
import { type PathItem, type Values, dayValues, itemValues } from './path-values.ts';

export { sanitizeComponent } from './path-component.ts';
export { localDay } from './local-time.ts';
export * from './path-values.ts';

/**
 * Where each archived item goes in the tenant's destination: a pure function of the tenant's
 * settings, the destination's name rules and the item, so the same item always gets the same path
 * (retries, re-runs and the ledger agree).
 *
 * Time: the folder template's date and time placeholders use the tenant's time zone (a call at
 * 23:30 in New York is filed under that New York day); the file template's use UTC, so the default
 * file name's literal "Z" is true and names sort in real order across daylight-saving changes.
 */

/** The settings the paths depend on (TenantSettings has them all, a run adds its destination's names). */
export interface PathSettings {
  folderTemplate: string;
  fileTemplate: string;
  timezone: string;
  /** The destination's name rules (capabilities.names); DEFAULT_NAME_RULES when absent. */
  names?: NameRules;
}

/** Where daily reports go when the folder template has no folder for the day (see dayFolder). */
const DAILY_REPORTS_FOLDER = 'Daily reports';

const REPORT_FILE_NAMES = { calls: 'calls.csv', sms: 'sms.csv', manifest: 'manifest.csv' } as const;

export function renderItemPath(settings: PathSettings, item: PathItem): string {
  const { folder, file } = compiled(settings);
  const instant = parseInstant(item.timestamp);
  const token = idToken(item.id, item.attachmentIndex);
  const local = itemValues(item, dateTimeParts(instant, settings.timezone), token);
  const utc = itemValues(item, dateTimeParts(instant, 'UTC'), token);
  const names = settings.names ?? DEFAULT_NAME_RULES;
  const folders = folder.map((segment) => renderFolderName(segment, local, names));
  return `/${[...folders, renderFileName(file, utc, item.fileExtension, names)].join('/')}`;
}

/**
 * The folder of one day's report files (calls.csv, sms.csv, manifest.csv). It is the first folder
 * of the template that pins down the day — the leading folders that use only {company}, {yyyy},
 * {mm}, {dd}, {date} and fixed text, up to the first one at which year, month and day are all
 * known. The default template gives /Acme Inc/2026/2026-11/2026-11-26. A template with no such
 * folder ({company}/{extension}/{type}) keeps its reports in "<day-level folders>/Daily reports/
 * <YYYY-MM-DD>", e.g. /Acme Inc/Daily reports/2026-11-26.
 */
export function dayFolder(settings: PathSettings, company: string, day: string): string {
  if (!isCalendarDay(day)) throw new RangeError(`"${day.slice(0, 40)}" is not a day written YYYY-MM-DD`);
  const { reportPrefix, pinsDay } = compiled(settings);
  const [yyyy = '', mm = '', dd = ''] = day.split('-');
  const values = dayValues(company, { yyyy, mm, dd, hh: '00', min: '00', ss: '00' });
  const names = settings.names ?? DEFAULT_NAME_RULES;
  const folders = reportPrefix.map((segment) => renderFolderName(segment, values, names));
  return `/${(pinsDay ? folders : [...folders, DAILY_REPORTS_FOLDER, day]).join('/')}`;
}

interface DailyReportPaths {
  folder: string;
  calls: string;
  sms: string;
  manifest: string;
}

export function dailyReportPaths(settings: PathSettings, company: string, day: string): DailyReportPaths {
  const folder = dayFolder(settings, company, day);
  return {
    folder,
    calls: `${folder}/${REPORT_FILE_NAMES.calls}`,
    sms: `${folder}/${REPORT_FILE_NAMES.sms}`,
    manifest: `${folder}/${REPORT_FILE_NAMES.manifest}`,
  };
}

function renderFolderName(segment: TemplateSegment, values: Values, names: NameRules): string {
  return sanitizeComponent(
    segment.map((piece) => (piece.kind === 'literal' ? piece.text : values[piece.name])).join(''),
    names,
  );
}

/**
 * The file name, fitted to the destination's limit by shortening the longest placeholder values
 * first (names, typically) and never the id or the fixed text, so the name always still identifies
 * its item.
 */
function renderFileName(
  segment: TemplateSegment,
  values: Values,
  fileExtension: string,
  names: NameRules,
): string {
  const unit = names.lengthUnit;
  const extension =
    fileExtension
      .toLowerCase()
      .replace(/[^a-z0-9]/g, '')
      .slice(0, 10) || 'bin';
  const pieces = segment.map((piece) => ({
    text: cleanCharacters(piece.kind === 'literal' ? piece.text : values[piece.name]),
    shrinkable: piece.kind === 'placeholder' && piece.name !== 'id',
  }));
  const budget = names.maxLength - extension.length - 1;
  const length = (text: string) => nameLength(text, unit);
  const fixed = pieces.reduce((sum, piece) => sum + (piece.shrinkable ? 0 : length(piece.text)), 0);
  const cap = largestCap(
    pieces.filter((piece) => piece.shrinkable).map((piece) => length(piece.text)),
    budget - fixed,
  );
  const stem = pieces
    .map((piece) => (piece.shrinkable ? truncateUnits(piece.text, cap, unit) : piece.text))
    .join('');
  return sanitizeComponent(`${stem}.${extension}`, names);
}

/** The largest cap c with Σ min(length, c) ≤ room: every value longer than c is cut to c. */
function largestCap(lengths: number[], room: number): number {
  if (lengths.reduce((a, b) => a + b, 0) <= room) return Number.POSITIVE_INFINITY;
  const sorted = [...lengths].sort((a, b) => a - b);
  let used = 0;
  for (let i = 0; i < sorted.length; i++) {
    const remaining = sorted.length - i;
    const cap = Math.floor((room - used) / remaining);
    if (cap < (sorted[i] ?? 0)) return Math.max(0, cap);
    used += sorted[i] ?? 0;
  }
  return Number.POSITIVE_INFINITY;
}

interface Compiled {
  folder: TemplateSegment[];
  file: TemplateSegment;
  reportPrefix: TemplateSegment[];
  pinsDay: boolean;
}

const cache = new Map<string, Compiled>();

function compiled(settings: PathSettings): Compiled {
  const key = `${settings.folderTemplate}\u0000${settings.fileTemplate}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const folder = parseTemplate(settings.folderTemplate, 'folder');
  const file = parseTemplate(settings.fileTemplate, 'file');
  if (!folder.ok) throw new Error(`Tenant settings are invalid: ${folder.message}`);
  if (!file.ok) throw new Error(`Tenant settings are invalid: ${file.message}`);
  const result = { folder: folder.segments, file: file.segments[0] ?? [], ...reportLayout(folder.segments) };
  if (cache.size >= 1000) cache.clear(); // many tenants, few distinct templates: bounded, rarely cleared
  cache.set(key, result);
  return result;
}

const DAY_LEVEL = new Set<Placeholder>(['company', 'yyyy', 'mm', 'dd', 'date']);

function reportLayout(folder: TemplateSegment[]): { reportPrefix: TemplateSegment[]; pinsDay: boolean } {
  const known = new Set<Placeholder>();
  const prefix: TemplateSegment[] = [];
  for (const segment of folder) {
    if (!segment.every((piece) => piece.kind === 'literal' || DAY_LEVEL.has(piece.name))) break;
    prefix.push(segment);
    for (const piece of segment) if (piece.kind === 'placeholder') known.add(piece.name);
    if (known.has('date') || (known.has('yyyy') && known.has('mm') && known.has('dd'))) {
      return { reportPrefix: prefix, pinsDay: true };
    }
  }
  return { reportPrefix: prefix, pinsDay: false };
}
