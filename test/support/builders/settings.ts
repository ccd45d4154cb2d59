import { DEFAULT_SETTINGS, settingsSchema, type TenantSettings } from '../../../src/archive/settings.ts';

type SettingsChanges = Partial<Omit<TenantSettings, 'dataTypes' | 'extensions'>> & {
  dataTypes?: Partial<TenantSettings['dataTypes']>;
  extensions?: Partial<TenantSettings['extensions']>;
};

/**
 * A company's settings: the defaults with these changes (data types and extensions merged field by
 * field), checked by the settings schema so a test cannot build settings the product would refuse.
 */
export function tenantSettings(changes: SettingsChanges = {}): TenantSettings {
  const base = structuredClone(DEFAULT_SETTINGS);
  return settingsSchema.parse({
    ...base,
    ...changes,
    dataTypes: { ...base.dataTypes, ...changes.dataTypes },
    extensions: { ...base.extensions, ...changes.extensions },
  });
}
