import { describe, expect, it } from 'vitest';
import { checkField, resolvePriority, toFieldDef, type Scheme } from './formModel';
import { searchRequestTypes } from './search';

const field = (raw: Record<string, unknown>) =>
  toFieldDef({ id: 'x', key: 'x', label: 'X', helpText: '', required: false, position: 0, conditions: [], ...raw });

describe('checkField mirrors the server rules', () => {
  it('dates: real calendar days within the bounds', () => {
    const date = field({ kind: 'DATE', dateMin: '2025-01-01', dateMax: null });
    expect(checkField(date, '2025-02-30', false)).toBe('Enter a date.');
    expect(checkField(date, '2024-12-31', false)).toBe('Choose a date at least 2025-01-01.');
    expect(checkField(date, '2025-06-01', false)).toBeNull();
    expect(checkField(date, '', true)).toBe('X is required.');
  });

  it('text: pattern over the whole value, lengths in code points', () => {
    const text = field({ kind: 'TEXT', pattern: '[A-Z]{2}-[0-9]{4}', maxLength: 7 });
    expect(checkField(text, 'AB-1234', false)).toBeNull();
    expect(checkField(text, 'xAB-1234', false)).toBe('Use at most 7 characters.');
    expect(checkField(text, 'AB-123', false)).toBe('X does not have the expected format.');
    const emoji = field({ kind: 'TEXT', maxLength: 2 });
    expect(checkField(emoji, '😀😀', false)).toBeNull();
  });

  it('numbers, choices, checkboxes and URLs', () => {
    expect(checkField(field({ kind: 'NUMBER', integerOnly: true }), '2.5', false)).toBe('Enter a whole number.');
    expect(checkField(field({ kind: 'NUMBER', min: 0 }), -1, false)).toBe('Enter a number at least 0.');
    expect(checkField(field({ kind: 'MULTI_SELECT', multiOptions: [], maxSelected: 1 }), ['a', 'b'], false)).toBe(
      'Choose at most 1.',
    );
    expect(checkField(field({ kind: 'CHECKBOX' }), false, true)).toBe('X must be checked.');
    expect(checkField(field({ kind: 'URL' }), 'ftp://example.com', false)).toBe('Enter an http or https address.');
    expect(checkField(field({ kind: 'URL' }), 'https://example.com/a', false)).toBeNull();
  });
});

describe('resolvePriority follows the scheme', () => {
  const scheme: Scheme = {
    key: 'default',
    name: 'Default',
    customerMayChoose: false,
    levels: ['P1', 'P2', 'P3', 'P4'].map((key, i) => ({ key, name: key, rank: i + 1 })),
    matrix: [{ urgency: 'HIGH', impact: 'HIGH', priority: { key: 'P1', name: 'P1', rank: 1 } }],
  };
  it('matrix, then the request type default, then the middle level', () => {
    expect(resolvePriority(scheme, { urgency: 'HIGH', impact: 'HIGH' })).toMatchObject({ level: { key: 'P1' }, source: 'MATRIX' });
    expect(resolvePriority(scheme, { urgency: 'LOW', impact: 'HIGH', typeDefault: { key: 'P2', name: 'P2', rank: 2 } })).toMatchObject({
      level: { key: 'P2' },
      source: 'REQUEST_TYPE',
    });
    expect(resolvePriority(scheme, {})).toMatchObject({ level: { key: 'P3' }, source: 'SCHEME' });
    // A customer's own choice counts only where the scheme allows it.
    expect(resolvePriority(scheme, { chosenKey: 'P1' }).source).toBe('SCHEME');
    expect(resolvePriority({ ...scheme, customerMayChoose: true }, { chosenKey: 'P4' }).source).toBe('CHOSEN');
  });
});

describe('searchRequestTypes', () => {
  const categories = [
    { id: 'c1', name: 'Support', requestTypes: [{ id: 't1', name: 'Report a bug', description: 'Something does not work' }] },
    { id: 'c2', name: 'Sales', requestTypes: [{ id: 't2', name: 'Request training', description: 'Sessions für Prüfer' }] },
  ];
  it('matches every word in name, description or category, ignoring case and accents', () => {
    expect(searchRequestTypes(categories, 'BUG').map((h) => h.type.id)).toEqual(['t1']);
    expect(searchRequestTypes(categories, 'sales prufer').map((h) => h.type.id)).toEqual(['t2']);
    expect(searchRequestTypes(categories, 'bug training')).toEqual([]);
    expect(searchRequestTypes(categories, '  ')).toEqual([]);
  });
});
