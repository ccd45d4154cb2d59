/**
 * What a data kind is (see registry.ts for the list). Declarations only: the settings schema, the
 * pages and the path builder read them, so they import nothing of the pipeline.
 */

/** A setting that turns the archiving of one or more kinds on or off: a checkbox on the settings page. */
export interface DataToggle<Key extends string = string> {
  /** Its key in `settings.dataTypes`, and the checkbox's form field name. */
  key: Key;
  /** The checkbox's label. */
  label: string;
}

export interface DataKind<Id extends string = string, Toggle extends string = string> {
  /** The ledger's kind (also the archive log's filter value): never change a shipped one. */
  id: Id;
  /** Plural, as pages show it: "Call recordings". */
  label: string;
  /** What the `{type}` placeholder becomes; null for files the templates do not place (reports). */
  folder: string | null;
  /** The setting that archives it; null when it is always written (daily reports). */
  toggle: Toggle | null;
  /** What its ledger rows hold: a RingCentral record's JSON, files (audio, documents, pictures). */
  holds: { record: boolean; files: boolean };
}
