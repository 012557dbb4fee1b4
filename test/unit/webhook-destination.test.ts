import { describe, expect, it } from 'vitest';
import { isLocalName, isPublicAddress, resolveDestination, type ResolveHost } from '../../src/services/webhooks/destination.ts';

describe('isPublicAddress', () => {
  it.each(['8.8.8.8', '1.1.1.1', '2606:4700:4700::1111', '2a00:1450:4001::200e', '::ffff:8.8.8.8', '64:ff9b::808:808', '2002:808:808::1'])(
    '%s is public',
    (address) => expect(isPublicAddress(address)).toBe(true),
  );

  it.each([
    ['127.0.0.1', 'loopback'],
    ['0.0.0.0', 'this network'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'link-local (cloud metadata)'],
    ['100.64.0.1', 'shared address space (CGNAT)'],
    ['198.18.0.1', 'benchmarking'],
    ['192.0.0.8', 'IETF protocol assignments'],
    ['192.0.2.1', 'documentation'],
    ['240.0.0.1', 'reserved'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['::ffff:127.0.0.1', 'IPv4-mapped loopback'],
    ['::ffff:a9fe:a9fe', 'IPv4-mapped link-local'],
    ['::ffff:10.0.0.1', 'IPv4-mapped private'],
    ['::ffff:0:7f00:1', 'IPv4-translated (SIIT) loopback'],
    ['::127.0.0.1', 'IPv4-compatible loopback'],
    ['::8.8.8.8', 'IPv4-compatible (deprecated, never a public host)'],
    ['64:ff9b::127.0.0.1', 'NAT64 of loopback'],
    ['64:ff9b:1::a00:1', 'local-use NAT64'],
    ['2002:7f00:1::', '6to4 of loopback'],
    ['2002:a9fe:a9fe::1', '6to4 of link-local'],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'Teredo'],
    ['2001:db8::1', 'documentation'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'scoped link-local'],
    ['fec0::1', 'site-local'],
    ['fd12:3456::1', 'unique local'],
    ['ff02::1', 'multicast'],
    ['100::1', 'discard'],
    ['not-an-address', 'not an address'],
  ])('%s is refused (%s)', (address) => expect(isPublicAddress(address)).toBe(false));
});

describe('isLocalName', () => {
  it.each([
    'localhost',
    'localhost.',
    'LOCALHOST..',
    'localhost.localdomain',
    'ip6-localhost',
    'ip6-loopback',
    'api.localhost',
    'printer.local',
    'db.internal',
    'router.home.arpa',
    'intranet',
  ])('%s is local', (name) => expect(isLocalName(name)).toBe(true));
  it.each(['hooks.example.com', 'hooks.example.com.', 'localhost.example.com'])('%s is not', (name) => expect(isLocalName(name)).toBe(false));
});

describe('resolveDestination', () => {
  const resolver =
    (answers: Record<string, string[]>): ResolveHost =>
    async (name) =>
      (answers[name] ?? []).map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

  it('checks every address a name resolves to, and connects to the first', async () => {
    const resolve = resolver({ 'ok.example.com': ['8.8.8.8', '2606:4700:4700::1111'], 'mixed.example.com': ['8.8.8.8', '10.0.0.1'] });
    await expect(resolveDestination(new URL('https://ok.example.com/x'), { resolve, allowPrivate: false })).resolves.toEqual({ address: '8.8.8.8', family: 4 });
    await expect(resolveDestination(new URL('https://mixed.example.com/x'), { resolve, allowPrivate: false })).rejects.toThrow(/not a public address/);
    await expect(resolveDestination(new URL('https://gone.example.com/x'), { resolve, allowPrivate: false })).rejects.toThrow(/did not resolve/);
  });

  it('with private targets allowed, still connects to the resolved address', async () => {
    const resolve = resolver({ 'hooks.corp.example.com': ['10.0.0.7'] });
    await expect(resolveDestination(new URL('http://hooks.corp.example.com/x'), { resolve, allowPrivate: true })).resolves.toEqual({
      address: '10.0.0.7',
      family: 4,
    });
    await expect(resolveDestination(new URL('http://[::1]:8080/x'), { resolve, allowPrivate: true })).resolves.toEqual({ address: '::1', family: 6 });
  });
});
