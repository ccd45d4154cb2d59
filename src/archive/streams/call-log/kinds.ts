import type { DataKind, DataToggle } from '../../kinds/kind.ts';

/** The account call log: each record's JSON, and the recordings it references. */

export const CALL_LOG_TOGGLES = [
  { key: 'callLog', label: 'Call log records (JSON, calls.csv)' },
  { key: 'recordings', label: 'Call recordings' },
] as const satisfies readonly DataToggle[];

type Toggle = (typeof CALL_LOG_TOGGLES)[number]['key'];

export const CALL_LOG_KINDS = [
  {
    id: 'call',
    label: 'Call log records',
    folder: 'Calls',
    toggle: 'callLog',
    holds: { record: true, files: false },
  },
  {
    id: 'recording',
    label: 'Call recordings',
    folder: 'Recordings',
    toggle: 'recordings',
    holds: { record: false, files: true },
  },
] as const satisfies ReadonlyArray<DataKind<string, Toggle>>;
