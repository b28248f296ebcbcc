import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { renderWithTheme } from '../../test/render';
import { TimelineView } from './TimelineView';
import type { TimelineEvent } from './useLiveTimeline';

const alice = { __typename: 'User' as const, id: 'u1', displayName: 'Alice Acme' };
const sam = { __typename: 'User' as const, id: 'u2', displayName: 'Sam Support' };
const at = '2031-03-01T09:00:00+00:00';
const base = (id: string, kind: string, actor: typeof alice | null = alice) => ({
  id,
  kind,
  createdAt: at,
  actor,
});
const file = {
  __typename: 'Attachment' as const,
  id: 'a1',
  filename: 'screen.png',
  size: 2048,
  contentType: 'image/png',
  downloadUrl: '/files/a1',
};

/** One event of every kind the schema has (TimelineEvent implementations). */
const EVERY_KIND = [
  { __typename: 'RequestCreatedEvent', ...base('e1', 'CREATED'), summary: 'Blank page' },
  {
    __typename: 'CommentAddedEvent',
    ...base('e2', 'COMMENTED', sam),
    internal: false,
    comment: {
      __typename: 'Comment',
      id: 'c1',
      body: 'We are on it.\nSecond line.',
      internal: false,
      createdAt: at,
      author: sam,
      attachments: [file],
    },
  },
  {
    __typename: 'CommentAddedEvent',
    ...base('e3', 'COMMENTED', sam),
    internal: true,
    comment: {
      __typename: 'Comment',
      id: 'c2',
      body: 'Check the proxy.',
      internal: true,
      createdAt: at,
      author: sam,
      attachments: [],
    },
  },
  {
    __typename: 'StatusChangedEvent',
    ...base('e4', 'STATUS_CHANGED', null),
    fromStatus: 'WAITING_FOR_CUSTOMER',
    toStatus: 'WAITING_FOR_SUPPORT',
    automatic: true,
    reason: null,
  },
  { __typename: 'AssignedEvent', ...base('e5', 'ASSIGNED', sam), fromAssignee: null, toAssignee: sam },
  {
    __typename: 'PriorityChangedEvent',
    ...base('e6', 'PRIORITY_CHANGED', sam),
    fromPriority: 'P3',
    toPriority: 'P1',
    reason: 'Exam day',
  },
  {
    __typename: 'VisibilityChangedEvent',
    ...base('e7', 'VISIBILITY_CHANGED'),
    fromVisibility: 'PRIVATE',
    toVisibility: 'ORGANISATION',
  },
  { __typename: 'ParticipantAddedEvent', ...base('e8', 'PARTICIPANT_ADDED'), user: sam },
  { __typename: 'ParticipantRemovedEvent', ...base('e9', 'PARTICIPANT_REMOVED'), user: sam },
  {
    __typename: 'FieldChangedEvent',
    ...base('e10', 'FIELD_CHANGED', sam),
    key: 'seats',
    label: 'Seats',
    oldValue: 3,
    newValue: 5,
  },
  { __typename: 'AttachmentAddedEvent', ...base('e11', 'ATTACHMENT_ADDED'), filename: 'screen.png', attachment: file },
  {
    __typename: 'EscalatedEvent',
    ...base('e12', 'ESCALATED'),
    fromStatus: 'WAITING_FOR_SUPPORT',
    reason: 'Candidates are waiting',
  },
  { __typename: 'CancelledEvent', ...base('e13', 'CANCELLED'), fromStatus: 'ESCALATED', reason: null },
  { __typename: 'ReopenedEvent', ...base('e14', 'REOPENED'), fromStatus: 'CANCELLED', reason: 'Not fixed' },
] as unknown as TimelineEvent[];

describe('the timeline', () => {
  it('renders every kind of event in order, in words', () => {
    renderWithTheme(<TimelineView events={EVERY_KIND} arrived={['e14']} />);
    const items = within(screen.getByRole('list', { name: 'Activity' })).getAllByRole('listitem');
    expect(items).toHaveLength(EVERY_KIND.length);
    const text = items.map((item) => item.textContent ?? '');
    expect(text[0]).toContain('Alice Acme raised the request');
    expect(text[1]).toContain('Sam Support commented');
    expect(text[1]).toContain('We are on it.');
    expect(text[2]).toContain('wrote an internal note');
    expect(text[2]).toContain('Agents only');
    expect(text[3]).toContain('The status moved from Waiting for customer to Waiting for support');
    expect(text[4]).toContain('assigned it to Sam Support');
    expect(text[5]).toContain('changed the priority from P3 to P1');
    expect(text[5]).toContain('Exam day');
    expect(text[6]).toContain('Shared with organisation');
    expect(text[7]).toContain('added Sam Support as a participant');
    expect(text[8]).toContain('removed Sam Support from the participants');
    expect(text[9]).toContain('changed Seats');
    expect(text[9]).toContain('3 → 5');
    expect(text[10]).toContain('attached a file');
    expect(text[11]).toContain('escalated it');
    expect(text[11]).toContain('Candidates are waiting');
    expect(text[12]).toContain('cancelled it');
    expect(text[13]).toContain('reopened it');
    // No event falls through to the generic wording.
    expect(text.filter((t) => t.includes('changed it'))).toEqual([]);
  });

  it('links files for download and keeps comment line breaks', () => {
    renderWithTheme(<TimelineView events={EVERY_KIND.slice(1, 2)} arrived={[]} />);
    const link = screen.getByRole('link', { name: /screen\.png/ });
    expect(link).toHaveAttribute('href', '/files/a1');
    expect(screen.getByTestId('comment-body').textContent).toBe('We are on it.\nSecond line.');
  });
});
