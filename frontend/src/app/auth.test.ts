import { describe, expect, it } from 'vitest';
import { loginPath, safeNext } from './auth';

describe('where sign-in sends people', () => {
  it('back to a path of this app, never elsewhere', () => {
    expect(safeNext('/requests?owner=me#x')).toBe('/requests?owner=me#x');
    expect(safeNext(null)).toBe('/');
    expect(safeNext('https://evil.example/')).toBe('/');
    expect(safeNext('//evil.example/')).toBe('/');
    expect(safeNext('/\\evil.example')).toBe('/');
    expect(safeNext('/login?next=/x')).toBe('/');
  });

  it('remembers where a signed-out person was', () => {
    expect(loginPath({ pathname: '/', search: '', hash: '' })).toBe('/login');
    expect(loginPath({ pathname: '/requests/abc', search: '?tab=1', hash: '' })).toBe(
      '/login?next=%2Frequests%2Fabc%3Ftab%3D1',
    );
  });
});
