/** Word lists for plausible people, places and texts; picked by the seeded PRNG. */
import type { Rng } from './prng.ts';

const FIRST_NAMES = [
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

const LAST_NAMES = [
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

/** Area codes with the place RingCentral would show as the caller's location. */
const AREAS: ReadonlyArray<readonly [string, string]> = [
  ['415', 'San Francisco, CA'],
  ['212', 'New York, NY'],
  ['512', 'Austin, TX'],
  ['206', 'Seattle, WA'],
  ['312', 'Chicago, IL'],
  ['303', 'Denver, CO'],
  ['305', 'Miami, FL'],
  ['617', 'Boston, MA'],
  ['650', 'San Mateo, CA'],
  ['503', 'Portland, OR'],
];

/** Outside numbers per area; customers call again, and a small pool keeps memory small. */
const NUMBERS_PER_AREA = 1000;

interface OutsideParty {
  readonly phoneNumber: string;
  readonly location: string;
  /** Caller-ID name, when the network gives one (a city name, as in RingCentral's examples). */
  readonly name?: string;
}

const outsideParties = new Map<number, OutsideParty>();

/**
 * A caller or callee outside the company. Party objects are shared and read-only: a generated
 * account with hundreds of thousands of calls points at a pool of at most 20,000 of them.
 */
export function outsideParty(rng: Rng): OutsideParty {
  const area = rng.int(0, AREAS.length - 1);
  const n = rng.int(0, NUMBERS_PER_AREA - 1);
  const named = rng.chance(0.6);
  const key = ((area * NUMBERS_PER_AREA + n) << 1) | (named ? 1 : 0);
  let party = outsideParties.get(key);
  if (!party) {
    const [code, location] = AREAS[area]!;
    const phoneNumber = `+1${code}555${String(n * 7 + 1000).padStart(4, '0')}`;
    party = named
      ? { phoneNumber, location, name: location.replace(',', '').toUpperCase() }
      : { phoneNumber, location };
    outsideParties.set(key, party);
  }
  return party;
}

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

export function smsText(rng: Rng): string {
  return rng.pick(SMS_PHRASES);
}

export function transcription(rng: Rng): string {
  const n = rng.int(1, 3);
  const parts: string[] = [];
  for (let i = 0; i < n; i++) parts.push(rng.pick(VOICEMAIL_PHRASES));
  return parts.join(' ');
}
