/**
 * Ledger documents written before the remote hash named its algorithm held Dropbox's content_hash
 * alone (every archive went to Dropbox then): read and migrated as that algorithm.
 */
export const LEGACY_HASH_ALGORITHM = 'dropbox-content-hash';
