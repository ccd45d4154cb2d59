/** Word lists for plausible people, places and texts; picked by the seeded PRNG. */
import type { Rng } from './prng.ts';

export const FIRST_NAMES = [
  'Jane',
  'John',
  'Maria',
  'Wei',
  'Aisha',
  'Carlos',
  'Olga',
  'Kenji',
  'Fatima',
  'Liam',
  'Noah',
  'Emma',
  'Sofia',
  'Mateo',
  'Chloe',
  'Arjun',
  'Zoe',
  'Lucas',
  'Amara',
  'Ivan',
  'Nadia',
  'Omar',
  'Priya',
  'Hugo',
];

export const LAST_NAMES = [
  'Doe',
  'Smith',
  'Garcia',
  'Chen',
  'Khan',
  'Novak',
  'Tanaka',
  'Okafor',
  'Müller',
  'Rossi',
  'Dubois',
  'Silva',
  'Kowalski',
  'Nguyen',
  'Patel',
  "O'Brien",
  'Johansson',
  'Haddad',
  'Ivanova',
  'Moreau',
];

export const DEPARTMENTS = ['Sales', 'Support', 'Billing', 'Front Desk', 'Dispatch', 'Service'];

export const LOCATIONS = [
  'San Francisco, CA',
  'New York, NY',
  'Austin, TX',
  'Seattle, WA',
  'Chicago, IL',
  'Denver, CO',
  'Miami, FL',
  'Boston, MA',
  'San Mateo, CA',
  'Portland, OR',
];

const SMS_PHRASES = [
  'Running 10 minutes late, sorry!',
  'Can you send me the invoice?',
  'Meeting moved to 3pm.',
  'Thanks, got it.',
  'Is the order ready for pickup?',
  'Please call me back when you can.',
  'Confirmed for tomorrow at 9.',
  'Here is the photo you asked for.',
  'The package arrived today.',
  'Can we reschedule to Friday?',
  'Your appointment is confirmed.',
  'Who is on call tonight?',
];

const VOICEMAIL_PHRASES = [
  'Hi, this is a message about your recent order.',
  'Please call me back at your earliest convenience.',
  'I wanted to follow up on the quote you sent.',
  'Calling about the appointment next week.',
  'The delivery will arrive between two and four.',
  'Just checking in, no need to call back.',
];

export const COMPANY_WORDS = ['Acme', 'Globex', 'Initech', 'Umbrella', 'Stark', 'Wayne', 'Hooli', 'Vandelay'];
export const COMPANY_SUFFIXES = ['Inc.', 'LLC', 'Corp.', 'Group', 'Partners'];

export function personName(rng: Rng): { firstName: string; lastName: string } {
  return { firstName: rng.pick(FIRST_NAMES), lastName: rng.pick(LAST_NAMES) };
}

export function externalNumber(rng: Rng): string {
  return `+1${rng.pick(['415', '212', '512', '206', '312', '303', '305', '617', '650', '503'])}555${String(
    rng.int(0, 9999),
  ).padStart(4, '0')}`;
}

export function smsText(rng: Rng): string {
  return rng.pick(SMS_PHRASES);
}

export function transcription(rng: Rng): string {
  const n = rng.int(1, 3);
  const parts: string[] = [];
  for (let i = 0; i < n; i++) parts.push(rng.pick(VOICEMAIL_PHRASES));
  return parts.join(' ');
}
