import type { Type as TypeBox } from 'typebox';

/**
 * The TypeBox builders the route schemas are written with, as plain functions that return the same
 * JSON Schema objects (the same keywords, in the same order). Typed as TypeBox's own, so that
 * handlers keep their static request and reply types; TypeBox itself is never loaded at run time:
 * its ~680 modules cost the server about 8 MB of resident memory (bench/README.md, "Memory"), only
 * to build objects that Fastify's Ajv and the OpenAPI document read as plain JSON Schema.
 * test/unit/json-schema.test.ts builds the OpenAPI document both ways and compares them.
 *
 * Only what the routes use is here; a builder missing from the type fails the typecheck.
 */
type Builders = Pick<
  typeof TypeBox,
  | 'Array'
  | 'Boolean'
  | 'Integer'
  | 'Intersect'
  | 'Literal'
  | 'Null'
  | 'Number'
  | 'Object'
  | 'Omit'
  | 'Optional'
  | 'Partial'
  | 'Record'
  | 'String'
  | 'Union'
  | 'Unknown'
  | 'Unsafe'
>;

type Schema = Record<string, unknown>;
type ObjectSchema = Schema & { properties: Record<string, Schema>; required?: string[] };

/** The property schemas `Optional` returned: `Object` leaves them out of `required` (TypeBox marks them the same way, invisibly to JSON). */
const optional = new WeakSet<Schema>();

function markOptional(schema: Schema): Schema {
  const copy = { ...schema };
  optional.add(copy);
  return copy;
}

function object(properties: Record<string, Schema>, options: Schema = {}): ObjectSchema {
  const required = Object.keys(properties).filter((key) => !optional.has(properties[key]!));
  return { type: 'object', ...(required.length ? { required } : {}), properties, ...options };
}

const builders = {
  Array: (items: Schema, options: Schema = {}) => ({ type: 'array', items, ...options }),
  Boolean: (options: Schema = {}) => ({ type: 'boolean', ...options }),
  Integer: (options: Schema = {}) => ({ type: 'integer', ...options }),
  Intersect: (schemas: Schema[], options: Schema = {}) => ({ allOf: schemas, ...options }),
  Literal: (value: string | number | boolean, options: Schema = {}) => ({ type: typeof value, const: value, ...options }),
  Null: (options: Schema = {}) => ({ type: 'null', ...options }),
  Number: (options: Schema = {}) => ({ type: 'number', ...options }),
  Object: object,
  // As TypeBox: the result keeps neither the options of the object it came from nor its other keywords.
  Omit: (schema: ObjectSchema, keys: string[], options: Schema = {}) =>
    object(Object.fromEntries(Object.entries(schema.properties).filter(([key]) => !keys.includes(key))), options),
  Optional: markOptional,
  Partial: (schema: ObjectSchema, options: Schema = {}) =>
    object(Object.fromEntries(Object.entries(schema.properties).map(([key, property]) => [key, markOptional(property)])), options),
  Record: (key: Schema, value: Schema, options: Schema = {}) => {
    // The only key the routes use: TypeBox writes other key types as other patterns.
    if (key.type !== 'string' || Object.keys(key).length !== 1) throw new Error('Record: only a plain string key is supported');
    return { type: 'object', patternProperties: { '^.*$': value }, ...options };
  },
  String: (options: Schema = {}) => ({ type: 'string', ...options }),
  Union: (schemas: Schema[], options: Schema = {}) => ({ anyOf: schemas, ...options }),
  Unknown: (options: Schema = {}) => ({ ...options }),
  Unsafe: (schema: Schema) => ({ ...schema }),
};

// The implementations are untyped JSON: TypeBox's signatures carry the static types only.
export const Type = builders as unknown as Builders;
