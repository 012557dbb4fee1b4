/**
 * One own property of a request part that no schema has checked (a body read by a hook that runs
 * before validation, the wildcard of a route without params): `unknown`, for the caller to check.
 */
export function uncheckedField(part: unknown, name: string): unknown {
  return typeof part === 'object' && part !== null ? Object.getOwnPropertyDescriptor(part, name)?.value : undefined;
}
