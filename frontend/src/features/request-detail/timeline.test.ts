import { describe, expect, it } from 'vitest';

import { changesRequest, formatValue, lastEventId, mergeEvents } from './timeline';

interface Event {
  id: string;
  createdAt: string;
  body?: string;
}

const ev = (n: number, body?: string): Event => ({
  id: `e${n}`,
  createdAt: `2031-03-01T09:00:0${n}Z`,
  body,
});
const ids = (events: Event[]) => events.map((e) => e.id);

describe('joining loaded and live timeline events', () => {
  it('appends live events after the loaded ones', () => {
    expect(ids(mergeEvents([ev(1), ev(2)], [ev(3), ev(4)]))).toEqual(['e1', 'e2', 'e3', 'e4']);
  });

  it('never shows an event twice (replayed on resume, or re-fetched with the detail)', () => {
    const live = mergeEvents([ev(1), ev(2)], [ev(2), ev(3)]);
    expect(ids(live)).toEqual(['e1', 'e2', 'e3']);
    // The detail query re-fetched: its events first, live ones it does not have yet after.
    const refetched = mergeEvents([ev(1), ev(2), ev(3)], [ev(3), ev(4)]);
    expect(ids(refetched)).toEqual(['e1', 'e2', 'e3', 'e4']);
  });

  it('keeps the place of a repeated event but takes its newer copy', () => {
    const merged = mergeEvents([ev(1, 'old'), ev(2)], [ev(1, 'new')]);
    expect(ids(merged)).toEqual(['e1', 'e2']);
    expect(merged[0]?.body).toBe('new');
  });

  it('returns the same array when nothing arrived (no needless re-render)', () => {
    const base = [ev(1)];
    expect(mergeEvents(base, [])).toBe(base);
  });

  it('de-duplicates within one batch too', () => {
    expect(ids(mergeEvents([], [ev(1), ev(1), ev(2)]))).toEqual(['e1', 'e2']);
  });

  it('resumes after the newest event', () => {
    expect(lastEventId([])).toBeNull();
    expect(lastEventId([ev(1), ev(2)])).toBe('e2');
  });
});

describe('helpers', () => {
  it('knows which events make the header stale', () => {
    expect(changesRequest('StatusChangedEvent')).toBe(true);
    expect(changesRequest('AssignedEvent')).toBe(true);
    expect(changesRequest('CommentAddedEvent')).toBe(false);
    expect(changesRequest(undefined)).toBe(false);
  });

  it('formats field values for people', () => {
    expect(formatValue(null)).toBe('—');
    expect(formatValue('')).toBe('—');
    expect(formatValue(true)).toBe('Yes');
    expect(formatValue(false)).toBe('No');
    expect(formatValue(['a', 'b'])).toBe('a, b');
    expect(formatValue([])).toBe('—');
    expect(formatValue(3.5)).toBe('3.5');
  });
});
