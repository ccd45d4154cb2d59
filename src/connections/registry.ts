import type { ProviderRole } from './provider.ts';

/**
 * The providers a company can connect, by id. This is the one list: a new provider adds its line
 * here and its factory in index.ts (the compiler holds the two together); routes, the vault,
 * disconnect, uninstall, the keep-alive and the words users read all follow from it.
 */
export const PROVIDERS = [
  { id: 'ringcentral', displayName: 'RingCentral', role: 'source' },
  { id: 'dropbox', displayName: 'Dropbox', role: 'destination' },
  { id: 'sftp', displayName: 'SFTP server', role: 'destination' },
] as const satisfies ReadonlyArray<{ id: string; displayName: string; role: ProviderRole }>;

export type ProviderId = (typeof PROVIDERS)[number]['id'];

/** The provider's name as users read it ("Dropbox"); an unknown id is shown as it is. */
export function providerName(id: string): string {
  return PROVIDERS.find((p) => p.id === id)?.displayName ?? id;
}

export function providerIds(role?: ProviderRole): ProviderId[] {
  return PROVIDERS.filter((p) => !role || p.role === role).map((p) => p.id);
}

export function providerInfo<K extends ProviderId>(id: K): Extract<(typeof PROVIDERS)[number], { id: K }> {
  return PROVIDERS.find((p) => p.id === id) as Extract<(typeof PROVIDERS)[number], { id: K }>;
}
