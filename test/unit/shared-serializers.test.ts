import { describe, expect, it } from 'vitest';
import { sharedSerializers } from '../../src/http/shared-serializers.ts';

describe('shared response serializers', () => {
  const schema = { type: 'object', required: ['code'], properties: { code: { type: 'string' }, status: { type: 'integer' } } };

  it('compile a schema object once, whatever route and status declare it', () => {
    const compile = sharedSerializers()({}, {});
    const first = compile({ schema, method: 'GET', url: '/a', httpStatus: '404' });
    expect(compile({ schema, method: 'POST', url: '/b', httpStatus: '400' })).toBe(first);
    expect(compile({ schema, method: 'HEAD', url: '/a', httpStatus: '404' })).toBe(first);
    // Serialized as fast-json-stringify does: only the declared properties, in the schema's types.
    expect(first({ code: 'not_found', status: 404, secret: 'x' })).toBe('{"code":"not_found","status":404}');
  });

  it('compile an equal but distinct schema object, and each compiler instance, on its own', () => {
    const factory = sharedSerializers();
    const compile = factory({}, {});
    const first = compile({ schema, method: 'GET', url: '/a', httpStatus: '200' });
    expect(compile({ schema: { ...schema }, method: 'GET', url: '/a', httpStatus: '200' })).not.toBe(first);
    expect(factory({}, {})({ schema, method: 'GET', url: '/a', httpStatus: '200' })).not.toBe(first);
  });
});
