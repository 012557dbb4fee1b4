import { describe, expect, it } from 'vitest';
import { phoneDigits } from '../../src/services/privacy/subject-requests.ts';

describe('phone numbers of subject requests', () => {
  it('reads international numbers with their country code, whatever the separators', async () => {
    expect(await phoneDigits('+1 415 555 0143')).toBe('14155550143');
    expect(await phoneDigits('0044 20 7946 0958')).toBe('442079460958');
    expect(await phoneDigits('+49 (30) 901820')).toBe('4930901820');
  });

  it('keeps the digits of a number written without its country code', async () => {
    expect(await phoneDigits('(415) 555-0143')).toBe('4155550143');
    expect(await phoneDigits('07911 123456')).toBe('07911123456');
  });

  it('refuses what cannot be a phone number', async () => {
    expect(await phoneDigits('12')).toBeNull();
    expect(await phoneDigits('call me')).toBeNull();
    expect(await phoneDigits('1234567890123456789')).toBeNull();
  });
});
