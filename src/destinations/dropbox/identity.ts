/** How the Dropbox destination names itself: its registry id and the name users read. */
export const DROPBOX = { id: 'dropbox', displayName: 'Dropbox' } as const;

/** Dropbox's content_hash (lib/content-hash.ts), the hash it lists and checks every upload against. */
export const DROPBOX_HASH = 'dropbox-content-hash';
