import SerializerSelector from '@fastify/fast-json-stringify-compiler';

/**
 * Fastify's response serializer compiler (fast-json-stringify), compiling each schema object once.
 * Fastify compiles the response schemas of every route and status at start, and most of them are
 * the same object: the problem document that ~60 routes declare for 4–8 statuses each, and every
 * GET route again for its HEAD route. A serializer depends on the schema alone (the external
 * schemas and options are those of the compiler), so the routes can share it: 51 generated functions
 * instead of 398, about 14 MB less resident memory (bench/README.md, "Memory").
 */
export function sharedSerializers(): SerializerSelector.SerializerFactory {
  const buildCompiler = SerializerSelector();
  return (externalSchemas, options) => {
    const compile = buildCompiler(externalSchemas, options);
    const compiled = new WeakMap<object, SerializerSelector.Serializer>();
    return (route) => {
      if (typeof route.schema !== 'object' || route.schema === null) return compile(route);
      let serializer = compiled.get(route.schema);
      if (!serializer) {
        serializer = compile(route);
        compiled.set(route.schema, serializer);
      }
      return serializer;
    };
  };
}
