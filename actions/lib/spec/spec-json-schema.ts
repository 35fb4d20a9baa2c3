// The JSON Schema (draft 2020-12) of dataset.yml, generated from SPEC_SHAPE so that editors (the
// yaml-language-server line at the top of a spec) underline what `gitml validate` reports. Written to
// data/dataset.schema.json by `npm run build`; scripts/check-dist.mjs fails when it is stale.
import { type ObjectShape, type Shape, SPEC_SHAPE } from './spec-shape.js';

export const SPEC_SCHEMA_FILE = 'data/dataset.schema.json';
/** The first line of a spec (gitml init writes it): editors that run yaml-language-server use the schema. */
export const SPEC_SCHEMA_COMMENT = '# yaml-language-server: $schema=../dataset.schema.json';

type Json = Record<string, unknown>;

/** The schema object (stable key order). */
export function specJsonSchema(): Json {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'gitml dataset spec (data/<name>/dataset.yml)',
    ...schemaOf(SPEC_SHAPE),
  };
}

/** The file's text: two-space JSON and a final newline. */
export function specJsonSchemaText(): string {
  return `${JSON.stringify(specJsonSchema(), null, 2)}\n`;
}

function schemaOf(shape: Shape): Json {
  const common: Json = { description: describe(shape) };
  if (shape.default !== undefined) common.default = shape.default;
  switch (shape.kind) {
    case 'text':
      return { type: 'string', ...(shape.pattern ? { pattern: shape.pattern } : {}), ...common };
    case 'code':
      // A code is text without a comma, quote or line break, or a number YAML read unquoted.
      return { type: ['string', 'number'], pattern: '^[^,"\\r\\n]+$', ...common };
    case 'choice':
      return { type: 'string', enum: [...shape.values], ...common };
    case 'number':
      return {
        type: shape.integer ? 'integer' : 'number',
        ...(shape.minimum !== undefined ? { minimum: shape.minimum } : {}),
        ...(shape.maximum !== undefined ? { maximum: shape.maximum } : {}),
        ...common,
      };
    case 'boolean':
      return { type: 'boolean', ...common };
    case 'list':
      return {
        type: 'array',
        items: schemaOf(shape.items),
        ...(shape.minItems !== undefined ? { minItems: shape.minItems } : {}),
        ...(shape.maxItems !== undefined ? { maxItems: shape.maxItems } : {}),
        ...common,
      };
    case 'object':
      return { ...objectSchema(shape), ...common };
  }
}

function objectSchema(shape: ObjectShape): Json {
  // Every key any variant allows is listed, so additionalProperties: false still lets each through;
  // each variant then narrows (required keys, forbidden keys, a different set of values).
  const overridden = new Set(
    Object.values(shape.variants?.cases ?? {}).flatMap((c) => Object.keys(c.fields ?? {})),
  );
  const properties: Json = {};
  // A mapping a variant replaces (model.params per algorithm) is only "a mapping" here: both apply.
  for (const [k, f] of Object.entries(shape.fields))
    properties[k] =
      overridden.has(k) && f.kind === 'object' ? { type: 'object', description: describe(f) } : schemaOf(f);
  const allOf: Json[] = [];
  if (shape.variants) {
    const { key, cases } = shape.variants;
    for (const [value, c] of Object.entries(cases)) {
      for (const [k, f] of Object.entries(c.fields ?? {}))
        if (!(k in properties)) properties[k] = schemaOf(f);
      const then: Json = {};
      if (c.required?.length) then.required = [...c.required];
      const narrowed: Json = {};
      for (const k of c.forbidden ?? []) narrowed[k] = false;
      for (const [k, f] of Object.entries(c.fields ?? {})) narrowed[k] = schemaOf(f);
      if (Object.keys(narrowed).length) then.properties = narrowed;
      // The default's case also applies when the key is left out (model.algorithm: gaussian-nb).
      const isDefault = shape.fields[key]?.default === value;
      if (Object.keys(then).length)
        allOf.push({
          if: { properties: { [key]: { const: value } }, ...(isDefault ? {} : { required: [key] }) },
          then,
        });
    }
  }
  const out: Json = { type: 'object', properties, additionalProperties: false };
  if (shape.required?.length) out.required = [...shape.required];
  if (shape.exactlyOne) out.oneOf = shape.exactlyOne.map((k) => ({ required: [k] }));
  if (allOf.length) out.allOf = allOf;
  return out;
}

function describe(shape: Shape): string {
  const d = shape.defaultText ? ` Default: ${shape.defaultText}.` : '';
  if (shape.kind === 'choice' && shape.unsupported)
    return `${shape.description}${d} Not supported yet: ${Object.keys(shape.unsupported).join(', ')}.`;
  return `${shape.description}${d}`;
}
