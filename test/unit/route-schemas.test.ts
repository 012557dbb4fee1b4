import { describe, expect, it, vi } from 'vitest';
import { openApiDocument } from '../../src/http/openapi-document.ts';
import { Uuid } from '../../src/http/schemas/common.ts';

// The routes build their schemas with src/http/schemas/json-schema.ts, which returns plain JSON
// Schema so that TypeBox is not loaded at run time. Built with TypeBox's own builders instead, every
// route schema must come out the same: the OpenAPI document renders all of them (bodies, query
// strings, parameters, headers, responses), keyword for keyword and in order.
describe('route schemas', () => {
  it('are those TypeBox builds: the OpenAPI document is the same byte for byte', async () => {
    const built = await openApiDocument();
    expect(Object.getOwnPropertyNames(Uuid)).not.toContain('~kind');

    vi.resetModules();
    vi.doMock('../../src/http/schemas/json-schema.ts', async () => ({ Type: (await import('typebox')).Type }));
    const withTypeBox = await import('../../src/http/openapi-document.ts');
    const common = await import('../../src/http/schemas/common.ts');
    // TypeBox's schemas carry their kind in a non-enumerable property: the comparison is not of the module with itself.
    expect(Object.getOwnPropertyNames(common.Uuid)).toContain('~kind');
    const reference = await withTypeBox.openApiDocument();

    // The paths that differ first, for a readable failure; then the whole document.
    const paths = Object.keys(reference.paths ?? {});
    expect(paths.filter((path) => JSON.stringify(built.paths?.[path]) !== JSON.stringify(reference.paths?.[path]))).toEqual([]);
    expect(JSON.stringify(built)).toBe(JSON.stringify(reference));
  });
});
