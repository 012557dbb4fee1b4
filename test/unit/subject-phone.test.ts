import { describe, expect, it } from 'vitest';
import { phoneDigits } from '../../src/services/privacy/subject-requests.ts';

describe('phone numbers of subject requests', () => {
  it('reads international numbers with their country code, whatever the separators', () => {
    expect(phoneDigits('+1 415 555 0143')).toBe('14155550143');
    expect(phoneDigits('0044 20 7946 0958')).toBe('442079460958');
    expect(phoneDigits('+49 (30) 901820')).toBe('4930901820');
  });

  it('keeps the digits of a number written without its country code', () => {
    expect(phoneDigits('(415) 555-0143')).toBe('4155550143');
    expect(phoneDigits('07911 123456')).toBe('07911123456');
  });

  it('refuses what cannot be a phone number', () => {
    expect(phoneDigits('12')).toBeNull();
    expect(phoneDigits('call me')).toBeNull();
    expect(phoneDigits('1234567890123456789')).toBeNull();
  });
});
