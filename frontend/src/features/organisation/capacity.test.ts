import { describe, expect, it } from 'vitest';

import { capacity, capacityText } from './capacity';

describe('super-user cap', () => {
  it('counts the free places', () => {
    expect(capacity(2, 4)).toEqual({ superUsers: 2, cap: 4, free: 2, full: false });
    expect(capacityText(capacity(3, 4))).toBe('3 of 4 super users (1 place left).');
  });

  it('is full at the cap and stays so when the cap was lowered below the count', () => {
    expect(capacity(4, 4).full).toBe(true);
    expect(capacity(5, 4)).toEqual({ superUsers: 5, cap: 4, free: 0, full: true });
    expect(capacityText(capacity(4, 4))).toMatch(/cap is reached/);
  });
});
