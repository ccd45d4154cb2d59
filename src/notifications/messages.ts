import { providerName } from '../connections/registry.ts';
import type { AlertDetails, NotificationEvent } from './alerts.ts';

/**
 * The e-mails, written for a busy admin: the subject says what happened, the body says what it
 * means for the archive and what to do, with one link. Built from alert figures, the company name
 * and the public address only, so no token or secret can end up in a message.
 */

export interface MessageContext {
  companyName: string;
  /** Where the company's archive goes, as users read it ("Dropbox", "SFTP server"); null before
   *  one is connected. */
  destination: string | null;
  /** The app's public address (BASE_URL), without a trailing slash. */
  baseUrl: string;
}

export interface ComposedMessage {
  subject: string;
  text: string;
  html: string;
}

interface Content {
  subject: string;
  paragraphs: string[];
  action: { label: string; path: string } | null;
}

const DASHBOARD = { label: 'Open the dashboard', path: '/dashboard' };

/** The destination's name for a sentence; "the archive destination" before one is connected. */
const destinationOf = (context: MessageContext): string => context.destination ?? 'the archive destination';
const capitalized = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

export function composeAlert(event: NotificationEvent, context: MessageContext): ComposedMessage {
  const content =
    event.type === 'recovered' ? recovered(event.details, context) : opened(event.details, context);
  if (event.type === 'reminder') {
    content.subject = `Reminder: ${content.subject}`;
    content.paragraphs.push(
      `This is still the case since ${day(event.openedAt)}. We remind you at most once a day until it is resolved.`,
    );
  }
  return render(content, context);
}

export function composeTest(context: MessageContext): ComposedMessage {
  return render(
    {
      subject: `Test e-mail from Call Archive for ${context.companyName}`,
      paragraphs: [
        'This is a test. If you can read it, archive alerts for this company reach you.',
        `You will hear from us when RingCentral or ${destinationOf(context)} needs reconnecting, when backups fail several times in a row, when ${destinationOf(context)} is nearly full and when recordings are at risk of deletion, and again when each is resolved.`,
      ],
      action: DASHBOARD,
    },
    context,
  );
}

function opened(details: AlertDetails, context: MessageContext): Content {
  const { companyName } = context;
  const destination = destinationOf(context);
  switch (details.kind) {
    case 'reconnect': {
      const name = providerName(details.provider);
      return {
        subject: `Action needed: reconnect ${name} — backups for ${companyName} are stopped`,
        paragraphs: [
          `${name} access for ${companyName}'s archive was revoked or has expired, so backups have stopped.`,
          details.provider === 'ringcentral'
            ? `Nothing new is copied to ${destination} until you reconnect. RingCentral deletes call recordings after 90 days, so recordings made while backups are stopped can be lost if this waits too long.`
            : `Nothing new is copied to ${destination} until you reconnect. Files already in ${destination} are safe; RingCentral keeps deleting old recordings meanwhile.`,
          `What to do: sign in to the dashboard as a RingCentral administrator and reconnect ${name}. Backups resume on their own and catch up.`,
        ],
        action: { label: `Reconnect ${name}`, path: '/dashboard' },
      };
    }
    case 'failing':
      return {
        subject: `Backups for ${companyName} have failed ${details.failedRuns} times in a row`,
        paragraphs: [
          `The last ${details.failedRuns} hourly backups of ${companyName}'s RingCentral data did not complete.`,
          ...(details.problem ? [`The latest run reported: ${details.problem}`] : []),
          `New calls, recordings and messages are not reaching ${destination}. RingCentral deletes call recordings after 90 days, so a long outage can lose recordings.`,
          `What to do: open the dashboard and look at the latest runs. If the cause is on your side (${destination} full, permissions), fix it; otherwise tell whoever runs this service. Backups retry every hour on their own.`,
        ],
        action: DASHBOARD,
      };
    case 'storage':
      return {
        subject: `${capitalized(destination)} is nearly full — ${bytes(details.free)} left for ${companyName}'s archive`,
        paragraphs: [
          `${capitalized(destination)}, where ${companyName}'s archive goes, has ${bytes(details.free)} free of ${bytes(details.allocated)} (we warn below ${bytes(details.thresholdBytes)}).`,
          'When it is full, backups stop: new recordings, voicemail and messages stay only in RingCentral, which deletes recordings after 90 days.',
          `What to do: free up space in ${destination} or give it more. Backups continue on their own.`,
        ],
        action: DASHBOARD,
      };
    case 'risk':
      return {
        subject: `Recordings at risk: ${companyName} has ${details.atRisk.toLocaleString('en-US')} recordings not yet archived`,
        paragraphs: [
          details.projectedLoss > 0
            ? `At the current pace, RingCentral will delete ${details.projectedLoss.toLocaleString('en-US')} recordings in the next week before the archive reaches them${details.firstLossAt ? `, the first around ${new Date(details.firstLossAt).toUTCString()}` : ''}. RingCentral keeps a recording for 90 days, and no more than 100,000 per account (the oldest go first).`
            : `${details.atRisk.toLocaleString('en-US')} recordings are not archived yet; the oldest is ${details.oldestAgeDays ?? '?'} days old, and RingCentral deletes recordings after 90 days.`,
          ...(details.inflowPerDay !== undefined && details.capacityPerDay !== undefined
            ? [
                `${companyName} makes about ${Math.round(details.inflowPerDay).toLocaleString('en-US')} recordings a day; the ${details.users ?? 1} connected RingCentral user${details.users === 1 ? '' : 's'} can download ${Math.round(details.capacityPerDay).toLocaleString('en-US')} a day (RingCentral limits downloads per user).`,
              ]
            : []),
          'The archive works on the recordings RingCentral will delete next first.',
          capacityAdvice(details, destination),
        ],
        action: DASHBOARD,
      };
    case 'throttled':
      return throttled(details, context);
    case 'capped':
      return {
        subject: `Backups for ${companyName} are paused: Dropbox refuses more uploads this month`,
        paragraphs: [
          `Dropbox refused the archive's uploads: the Dropbox Business team ${companyName}'s archive goes to has used all of its data transport calls for the month (a cap on upload calls that some Business plans have, shared by every app of the team).`,
          ...(details.problem ? [`The latest run reported: ${details.problem}`] : []),
          'Backups are paused instead of retrying, which would only spend calls. New recordings, voicemail and messages stay only in RingCentral meanwhile, which deletes recordings after 90 days.',
          'What to do: ask your Dropbox team admin whether the plan can allow more, or check which other apps upload heavily. Backups resume on their own and catch up once Dropbox accepts uploads again.',
        ],
        action: DASHBOARD,
      };
    case 'users':
      return setAside(details, context);
  }
}

function setAside(
  details: Extract<AlertDetails, { kind: 'users' }>,
  { companyName, baseUrl }: MessageContext,
): Content {
  const names = details.users.map((u) => u.label).join(', ');
  return {
    subject: `${names} no longer share${details.users.length === 1 ? 's' : ''} ${companyName}'s archive work`,
    paragraphs: [
      ...details.users.map((u) => `${u.label} was set aside: ${u.reason}`),
      'Backups go on with the other connected RingCentral users, but with less download budget: if the archive falls behind, RingCentral may delete recordings before they are copied.',
      `What to do: on the settings page (${baseUrl}/settings#ringcentral-users), remove the user, or add it again (it signs in with RingCentral anew).`,
    ],
    action: DASHBOARD,
  };
}

function throttled(
  details: Extract<AlertDetails, { kind: 'throttled' }>,
  { companyName }: MessageContext,
): Content {
  const minutes = Math.max(1, Math.round(details.pausedMs / 60_000));
  return {
    subject: `RingCentral is limiting ${companyName}'s whole account`,
    paragraphs: [
      `RingCentral answered ${details.storms} times with its account-level limit (a limit for the whole account, not one user) during the last ${details.runs === 1 ? 'backup' : `${details.runs} backups`}. Each time, every connected user paused as RingCentral asked: about ${minutes} min in all.`,
      'Nothing is lost by the pauses themselves, but backups slow down, and recordings RingCentral deletes meanwhile (after 90 days, or past 100,000) can be missed.',
      "What to do: if it keeps happening, ask RingCentral's developer support to review the app's usage plan for your account, and check that no other app of yours is calling RingCentral heavily.",
    ],
    action: DASHBOARD,
  };
}

/** What the admin can do: more users share the download budget, or RingCentral raises the limit. */
function capacityAdvice(details: Extract<AlertDetails, { kind: 'risk' }>, destination: string): string {
  const users = details.users ?? 1;
  const more =
    details.usersNeeded && details.usersNeeded > users
      ? `add ${details.usersNeeded - users} more RingCentral user${details.usersNeeded - users === 1 ? '' : 's'} on the settings page (${details.usersNeeded} in all; each brings its own download budget)`
      : null;
  const limit =
    details.heavyLimitNeeded && details.windowSeconds
      ? `ask RingCentral's developer support to raise the app's Heavy limit to ${details.heavyLimitNeeded} requests per ${details.windowSeconds} s`
      : null;
  const ways = [more, limit].filter((w): w is string => w !== null);
  return ways.length
    ? `What to do: ${ways.join(', or ')}. Keep backups running meanwhile.`
    : `What to do: keep backups running (reconnect, or free space in ${destination}, if asked). If the loss estimate does not go down, download the oldest recordings from RingCentral yourself.`;
}

function recovered(details: AlertDetails, context: MessageContext): Content {
  const { companyName } = context;
  const destination = destinationOf(context);
  const done = (subject: string, ...paragraphs: string[]): Content => ({
    subject: `Resolved: ${subject}`,
    paragraphs: [...paragraphs, 'Nothing to do. Thank you.'],
    action: DASHBOARD,
  });
  switch (details.kind) {
    case 'reconnect':
      return done(
        `${providerName(details.provider)} is connected again for ${companyName}`,
        `${providerName(details.provider)} is connected again and backups are running. They catch up on what happened meanwhile.`,
      );
    case 'failing':
      return done(
        `backups for ${companyName} are working again`,
        'The latest backup completed. Anything the failed runs missed is picked up from where they stopped.',
      );
    case 'storage':
      return done(
        `${capitalized(destination)} has enough free space again for ${companyName}`,
        `${capitalized(destination)}, where the archive goes, has enough free space again.`,
      );
    case 'risk':
      return done(
        `no recordings of ${companyName} are at risk any more`,
        'Every recording close to RingCentral’s deletion (after 90 days, or past 100,000) is archived, and at the current pace none will be lost.',
      );
    case 'throttled':
      return done(
        `RingCentral no longer limits ${companyName}'s whole account`,
        'The latest backup ran without RingCentral’s account-level limit.',
      );
    case 'capped':
      return done(
        `Dropbox accepts ${companyName}'s uploads again`,
        'The latest backup completed: Dropbox accepts uploads again, and the archive catches up from where it paused.',
      );
    case 'users':
      return done(
        `every connected RingCentral user of ${companyName} shares the work again`,
        'No connected RingCentral user is set aside any more.',
      );
  }
}

function render(content: Content, context: MessageContext): ComposedMessage {
  const link = content.action ? `${context.baseUrl}${content.action.path}` : null;
  const settings = `${context.baseUrl}/settings/notifications`;
  const footer = `You receive this as an alert recipient for ${context.companyName}. Change who receives alerts: ${settings}`;
  const text = [
    ...content.paragraphs,
    ...(link && content.action ? [`${content.action.label}: ${link}`] : []),
    '--',
    footer,
  ].join('\n\n');
  const html = [
    '<!doctype html><html><body style="font-family:system-ui,sans-serif;line-height:1.5;color:#1b2430">',
    ...content.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`),
    link && content.action
      ? `<p><a href="${escapeHtml(link)}" style="display:inline-block;padding:8px 14px;background:#0b5cad;color:#fff;border-radius:6px;text-decoration:none">${escapeHtml(content.action.label)}</a></p>`
      : '',
    `<hr><p style="color:#5b6675;font-size:13px">You receive this as an alert recipient for ${escapeHtml(context.companyName)}. <a href="${escapeHtml(settings)}">Change who receives alerts</a>.</p>`,
    '</body></html>',
  ].join('\n');
  return { subject: oneLine(content.subject), text, html };
}

export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}

/** A subject is one line whatever the company is called. */
function oneLine(text: string): string {
  return text.replace(/[\r\n\t]+/g, ' ').slice(0, 200);
}

function day(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function bytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}
