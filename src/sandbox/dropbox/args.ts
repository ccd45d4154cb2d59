import { badInput, fail } from './errors.ts';
import type { ArgSite } from './paths.ts';

/**
 * Reading Stone-typed arguments with Dropbox-style 400 messages (`request body: cursor.offset:
 * expected integer, got string`). Unknown fields are ignored, as Stone deserializers do for
 * forward compatibility.
 */

export type Obj = Record<string, unknown>;

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'list';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'float';
  if (typeof value === 'object') return 'object';
  return typeof value;
}

export class ArgReader {
  readonly site: ArgSite;

  constructor(site: ArgSite) {
    this.site = site;
  }

  fail(field: string, message: string): never {
    const where = field ? `${this.site.where}: ${field}: ${message}` : `${this.site.where}: ${message}`;
    throw fail(badInput(this.site.route, where));
  }

  object(value: unknown, field = ''): Obj {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      this.fail(field, `expected object, got ${typeName(value)}`);
    }
    return value as Obj;
  }

  string(obj: Obj, key: string, prefix = ''): string {
    const value = this.#required(obj, key, prefix);
    if (typeof value !== 'string') this.fail(prefix + key, `expected string, got ${typeName(value)}`);
    return value;
  }

  optionalString(obj: Obj, key: string, prefix = ''): string | undefined {
    const value = obj[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') this.fail(prefix + key, `expected string, got ${typeName(value)}`);
    return value;
  }

  boolean(obj: Obj, key: string, fallback: boolean, prefix = ''): boolean {
    const value = obj[key];
    if (value === undefined || value === null) return fallback;
    if (typeof value !== 'boolean') this.fail(prefix + key, `expected boolean, got ${typeName(value)}`);
    return value;
  }

  /** A UInt64/UInt32 field with optional bounds. */
  integer(
    obj: Obj,
    key: string,
    opts: { fallback?: number; min?: number; max?: number } = {},
    prefix = '',
  ): number {
    const value =
      opts.fallback !== undefined && (obj[key] === undefined || obj[key] === null)
        ? opts.fallback
        : this.#required(obj, key, prefix);
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      this.fail(prefix + key, `expected integer, got ${typeName(value)}`);
    }
    if (opts.min !== undefined && value < opts.min)
      this.fail(prefix + key, `${value} is less than ${opts.min}`);
    if (opts.max !== undefined && value > opts.max)
      this.fail(prefix + key, `${value} is greater than ${opts.max}`);
    return value;
  }

  list(obj: Obj, key: string, maxItems: number): unknown[] {
    const value = this.#required(obj, key);
    if (!Array.isArray(value)) this.fail(key, `expected list, got ${typeName(value)}`);
    if (value.length > maxItems) {
      this.fail(key, `list has ${value.length} items, more than the maximum of ${maxItems}`);
    }
    return value;
  }

  /**
   * A union value: `"add"` (shorthand, allowed only for members without a value) or
   * `{".tag": "update", "update": "..."}`. Returns the tag and the raw object.
   */
  union(
    obj: Obj,
    key: string,
    members: { void: readonly string[]; valued?: readonly string[] },
    fallback?: string,
    prefix = '',
  ): { tag: string; value: Obj } {
    const raw = obj[key];
    const field = prefix + key;
    if ((raw === undefined || raw === null) && fallback !== undefined) return { tag: fallback, value: {} };
    if (raw === undefined) this.fail(prefix.replace(/\.$/, ''), `missing required field '${key}'`);
    const all = [...members.void, ...(members.valued ?? [])];
    if (typeof raw === 'string') {
      if (members.void.includes(raw)) return { tag: raw, value: {} };
      if (all.includes(raw)) this.fail(field, `tag '${raw}' requires a value`);
      this.fail(field, `unknown tag '${raw}'`);
    }
    const value = this.object(raw, field);
    const tag = value['.tag'];
    if (typeof tag !== 'string') this.fail(field, `missing '.tag' key`);
    if (!all.includes(tag)) this.fail(field, `unknown tag '${tag}'`);
    return { tag, value };
  }

  /** A `content_hash` argument: exactly 64 characters. */
  contentHash(obj: Obj, prefix = ''): string | undefined {
    const value = this.optionalString(obj, 'content_hash', prefix);
    if (value === undefined) return undefined;
    if (value.length !== 64) {
      this.fail(`${prefix}content_hash`, `'${value}' must be exactly 64 characters, got ${value.length}`);
    }
    return value;
  }

  #required(obj: Obj, key: string, prefix = ''): unknown {
    if (!(key in obj) || obj[key] === undefined) {
      this.fail(prefix.replace(/\.$/, ''), `missing required field '${key}'`);
    }
    return obj[key];
  }
}
