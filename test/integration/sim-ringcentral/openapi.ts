/**
 * Validators for the official RingCentral OpenAPI 3.0 component schemas. CI has the spec at
 * `../shared/specs/ringcentral-openapi.yml` relative to the repository root. Vendor keywords
 * (x-*, example, discriminator) are ignored with strict:false.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';

/** `RINGCENTRAL_OPENAPI_SPEC` points elsewhere when the checkout is not next to `shared/`. */
export const SPEC_PATH =
  process.env.RINGCENTRAL_OPENAPI_SPEC ??
  fileURLToPath(new URL('../../../../shared/specs/ringcentral-openapi.yml', import.meta.url));

/**
 * OpenAPI 3.0 `nullable: true` → JSON Schema: a `null` type (and `null` among enum values), or
 * `anyOf [schema, null]` where no type is given.
 */
function convertNullable(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(convertNullable);
  if (typeof node !== 'object' || node === null) return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) out[k] = convertNullable(v);
  if (out.nullable !== true) return out;
  delete out.nullable;
  if (typeof out.type === 'string') {
    out.type = [out.type, 'null'];
    if (Array.isArray(out.enum)) out.enum = [...(out.enum as unknown[]), null];
    return out;
  }
  return { anyOf: [out, { type: 'null' }] };
}

export interface SpecValidators {
  validate(schemaName: string, data: unknown): string[];
  schema(schemaName: string): unknown;
}

export function loadSpecValidators(): SpecValidators {
  const spec = parse(readFileSync(SPEC_PATH, 'utf8')) as { components: { schemas: Record<string, unknown> } };
  const ajv = new Ajv({ strict: false, allErrors: true, logger: false });
  addFormats.default(ajv);
  ajv.addSchema({ $id: 'rc', components: { schemas: convertNullable(spec.components.schemas) } });
  const cache = new Map<string, ValidateFunction>();
  const compiled = (name: string): ValidateFunction => {
    let fn = cache.get(name);
    if (!fn) {
      if (!(name in spec.components.schemas)) throw new Error(`no schema ${name} in the spec`);
      fn = ajv.compile({ $ref: `rc#/components/schemas/${name}` });
      cache.set(name, fn);
    }
    return fn;
  };
  return {
    validate(name, data) {
      const fn = compiled(name);
      if (fn(data)) return [];
      return (fn.errors ?? []).map(
        (e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`,
      );
    },
    schema: (name) => spec.components.schemas[name],
  };
}
