import { describe, expect, it } from 'vitest';

import type { OverviewColumn } from '../../gql/graphql';
import { moveColumn, sameColumns, toggleColumn } from './columnChoice';

const cols = (...c: OverviewColumn[]) => c;

describe('choosing columns', () => {
  it('shows a hidden column at the end and hides a shown one', () => {
    expect(toggleColumn(cols('REFERENCE', 'STATUS'), 'PRIORITY')).toEqual(['REFERENCE', 'STATUS', 'PRIORITY']);
    expect(toggleColumn(cols('REFERENCE', 'STATUS'), 'STATUS')).toEqual(['REFERENCE']);
  });

  it('never hides the last identifying column', () => {
    const only = cols('SUMMARY', 'STATUS');
    expect(toggleColumn(only, 'SUMMARY')).toBe(only);
    expect(toggleColumn(cols('REFERENCE', 'SUMMARY'), 'SUMMARY')).toEqual(['REFERENCE']);
  });

  it('moves a column one place and stops at the edges', () => {
    const three = cols('REFERENCE', 'SUMMARY', 'STATUS');
    expect(moveColumn(three, 'STATUS', -1)).toEqual(['REFERENCE', 'STATUS', 'SUMMARY']);
    expect(moveColumn(three, 'REFERENCE', 1)).toEqual(['SUMMARY', 'REFERENCE', 'STATUS']);
    expect(moveColumn(three, 'REFERENCE', -1)).toBe(three);
    expect(moveColumn(three, 'STATUS', 1)).toBe(three);
    expect(moveColumn(three, 'PRIORITY', 1)).toBe(three);
  });

  it('compares choices by order', () => {
    expect(sameColumns(cols('REFERENCE', 'STATUS'), cols('REFERENCE', 'STATUS'))).toBe(true);
    expect(sameColumns(cols('REFERENCE', 'STATUS'), cols('STATUS', 'REFERENCE'))).toBe(false);
  });
});
