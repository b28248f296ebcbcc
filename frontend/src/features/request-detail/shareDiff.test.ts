import { describe, expect, it } from 'vitest';

import { shareDiff } from './ShareDialog';

describe('sharing saves only the difference', () => {
  it('adds the new participants and removes the dropped ones', () => {
    expect(shareDiff(['a', 'b'], ['b', 'c'])).toEqual({
      addParticipantIds: ['c'],
      removeParticipantIds: ['a'],
    });
  });

  it('is empty when nothing changed, whatever the order', () => {
    expect(shareDiff(['a', 'b'], ['b', 'a'])).toEqual({ addParticipantIds: [], removeParticipantIds: [] });
  });
});
