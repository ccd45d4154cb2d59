/**
 * Parties that name an extension. They are shared, read-only objects (one of each kind per
 * extension): thousands of generated records point at the same one, which keeps large accounts
 * small in memory.
 */
import type { Extension, Party } from '../model.ts';

const extParties = new WeakMap<Extension, Party>();

const mailboxParties = new WeakMap<Extension, Party>();
const pagerParties = new WeakMap<Extension, Party>();
const smsParties = new WeakMap<Extension, Party>();

function cached(map: WeakMap<Extension, Party>, ext: Extension, make: () => Party): Party {
  let party = map.get(ext);
  if (!party) map.set(ext, (party = make()));
  return party;
}

export function extParty(ext: Extension): Party {
  return cached(extParties, ext, () => ({
    phoneNumber: ext.phoneNumber,
    extensionNumber: ext.extensionNumber,
    extensionId: String(ext.id),
    name: ext.name,
  }));
}

export function mailboxParty(ext: Extension): Party {
  return cached(mailboxParties, ext, () => ({
    name: ext.name,
    phoneNumber: ext.phoneNumber,
    extensionNumber: ext.extensionNumber,
  }));
}

export function pagerParty(ext: Extension): Party {
  return cached(pagerParties, ext, () => ({
    extensionNumber: ext.extensionNumber,
    extensionId: String(ext.id),
    name: ext.name,
  }));
}

export function smsParty(ext: Extension): Party {
  return cached(smsParties, ext, () => ({ phoneNumber: ext.phoneNumber, name: ext.name }));
}
