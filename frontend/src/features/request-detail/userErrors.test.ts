import { describe, expect, it } from 'vitest';

import { splitUserErrors } from './userErrors';

describe('userErrors at their fields', () => {
  it('puts errors at the input they name and the rest above the form', () => {
    const split = splitUserErrors(
      [
        { field: ['input', 'reason'], code: 'REQUIRED', message: 'Say why.' },
        { field: ['input', 'addParticipantIds', '1'], code: 'NOT_A_MEMBER', message: 'Not a member.' },
        { field: null, code: 'FORBIDDEN', message: 'Not allowed.' },
        { field: ['input', 'unknown'], code: 'X', message: 'Odd.' },
      ],
      ['reason', 'addParticipantIds'],
    );
    expect(split.byField).toEqual({ reason: 'Say why.', addParticipantIds: 'Not a member.' });
    expect(split.general).toEqual(['Not allowed.', 'Odd.']);
  });

  it('keeps the first message per field and copes with nothing', () => {
    const split = splitUserErrors(
      [
        { field: ['input', 'email'], code: 'A', message: 'first' },
        { field: ['input', 'email'], code: 'B', message: 'second' },
      ],
      ['email'],
    );
    expect(split.byField).toEqual({ email: 'first' });
    expect(split.general).toEqual(['second']);
    expect(splitUserErrors(undefined, [])).toEqual({ byField: {}, general: [] });
  });
});
