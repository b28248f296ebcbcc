import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { renderWithTheme } from '../../test/render';
import type { Uploader } from '../../lib/upload';
import { toFieldDef, type Scheme } from './formModel';
import { RequestForm, type SubmitInput, type SubmitResult } from './RequestForm';

const scheme: Scheme = {
  key: 'default',
  name: 'Default',
  customerMayChoose: false,
  levels: [
    { key: 'P1', name: 'Critical', rank: 1 },
    { key: 'P2', name: 'High', rank: 2 },
    { key: 'P3', name: 'Medium', rank: 3 },
    { key: 'P4', name: 'Low', rank: 4 },
  ],
  matrix: [
    { urgency: 'HIGH', impact: 'HIGH', priority: { key: 'P1', name: 'Critical', rank: 1 } },
    { urgency: 'LOW', impact: 'LOW', priority: { key: 'P4', name: 'Low', rank: 4 } },
  ],
};

// Fields as the API returns them (typed FormField implementations, flattened by toFieldDef).
const fields = [
  {
    __typename: 'SelectField',
    id: 'f1',
    key: 'format',
    kind: 'SELECT',
    label: 'Format',
    helpText: '',
    required: false,
    position: 0,
    defaultValue: 'remote',
    conditions: [],
    options: [
      { value: 'remote', label: 'Remote' },
      { value: 'onsite', label: 'On site' },
    ],
  },
  {
    __typename: 'TextField',
    id: 'f2',
    key: 'location',
    kind: 'TEXT',
    label: 'Address',
    helpText: 'Where we meet.',
    required: true,
    position: 1,
    defaultValue: null,
    conditions: [{ effect: 'SHOW', fieldKey: 'format', operator: 'IN', values: ['onsite'] }],
    minLength: null,
    maxLength: 255,
    pattern: null,
  },
  {
    __typename: 'TextareaField',
    id: 'f3',
    key: 'steps',
    kind: 'TEXTAREA',
    label: 'Steps',
    helpText: 'What happened?',
    required: true,
    position: 2,
    defaultValue: null,
    conditions: [],
    minLength: 10,
    maxLength: 5000,
  },
  {
    __typename: 'NumberField',
    id: 'f4',
    key: 'people',
    kind: 'NUMBER',
    label: 'People',
    helpText: '',
    required: false,
    position: 3,
    defaultValue: 5,
    conditions: [],
    min: 1,
    max: 50,
    integerOnly: true,
  },
  {
    __typename: 'CheckboxField',
    id: 'f5',
    key: 'urgent_call',
    kind: 'CHECKBOX',
    label: 'Call me',
    helpText: '',
    required: false,
    position: 4,
    defaultValue: false,
    conditions: [],
  },
  {
    __typename: 'EmailField',
    id: 'f6',
    key: 'phone_contact',
    kind: 'EMAIL',
    label: 'Contact address',
    helpText: '',
    required: false,
    position: 5,
    defaultValue: null,
    conditions: [{ effect: 'REQUIRE', fieldKey: 'urgent_call', operator: 'IN', values: ['true'] }],
    minLength: null,
    maxLength: 254,
  },
].map(toFieldDef);

function setup(result: SubmitResult = { requestId: 'UmVxdWVzdDox', userErrors: [] }) {
  const submit = vi.fn<(input: SubmitInput) => Promise<SubmitResult>>().mockResolvedValue(result);
  const onSubmitted = vi.fn();
  const uploader: Uploader = (file, onProgress) => {
    onProgress(0.5);
    return {
      promise: Promise.resolve({
        id: `att-${file.name}`,
        filename: file.name,
        size: file.size,
        contentType: file.type,
        downloadUrl: '/files/x',
      }),
      abort: () => undefined,
    };
  };
  renderWithTheme(
    <RequestForm
      requestType={{ id: 'RT1', name: 'Training', asksUrgencyAndImpact: true, defaultPriority: null, fields }}
      scheme={scheme}
      organisations={[{ id: 'O1', name: 'Acme Exams' }]}
      organisationId="O1"
      onOrganisationChange={() => undefined}
      people={[{ value: 'U2', label: 'Bob (bob@acme.example)' }]}
      submit={submit}
      onSubmitted={onSubmitted}
      uploader={uploader}
    />,
  );
  return { submit, onSubmitted, user: userEvent.setup({ delay: null }) };
}

describe('RequestForm', () => {
  it('shows a conditional field only after the choice that calls for it', async () => {
    const { user } = setup();
    expect(screen.queryByRole('textbox', { name: /Address/ })).toBeNull();
    await user.click(screen.getByRole('radio', { name: 'On site' }));
    const address = screen.getByRole('textbox', { name: /Address/ });
    expect(address).toBeRequired();
    expect(screen.getByText('Where we meet.')).toBeInTheDocument();
    await user.click(screen.getByRole('radio', { name: 'Remote' }));
    expect(screen.queryByRole('textbox', { name: /Address/ })).toBeNull();
  });

  it('marks required fields, also when a REQUIRE condition starts to hold', async () => {
    const { user } = setup();
    expect(screen.getByRole('textbox', { name: /Summary/ })).toBeRequired();
    expect(screen.getByRole('textbox', { name: /Steps/ })).toBeRequired();
    const contact = screen.getByRole('textbox', { name: /Contact address/ });
    expect(contact).not.toBeRequired();
    await user.click(screen.getByRole('checkbox', { name: 'Call me' }));
    expect(screen.getByRole('textbox', { name: /Contact address/ })).toBeRequired();
  });

  it('checks before sending: required, lengths, numbers, formats; nothing is sent', async () => {
    const { user, submit } = setup();
    await user.click(screen.getByRole('radio', { name: 'On site' }));
    await user.type(screen.getByRole('textbox', { name: /Steps/ }), 'too short');
    const people = screen.getByRole('textbox', { name: /People/ });
    await user.clear(people);
    await user.type(people, '77');
    await user.click(screen.getByRole('checkbox', { name: 'Call me' }));
    await user.type(screen.getByRole('textbox', { name: /Contact address/ }), 'not-an-address');
    await user.click(screen.getByRole('button', { name: 'Send request' }));

    expect(await screen.findByText('A summary is required.')).toBeInTheDocument();
    expect(screen.getByText('Address is required.')).toBeInTheDocument();
    expect(screen.getByText('Use at least 10 characters.')).toBeInTheDocument();
    expect(screen.getByText('Enter a number between 1 and 50.')).toBeInTheDocument();
    expect(screen.getByText('Enter an e-mail address.')).toBeInTheDocument();
    expect(screen.getByRole('textbox', { name: /Steps/ })).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByRole('alert')).toHaveTextContent('5 fields need your attention');
    // The first problem gets the focus.
    expect(screen.getByRole('textbox', { name: /Summary/ })).toHaveFocus();
    expect(submit).not.toHaveBeenCalled();
  });

  it('sends visible fields only, with uploads, urgency, impact and sharing', async () => {
    const { user, submit, onSubmitted } = setup();
    await user.type(screen.getByRole('textbox', { name: /Summary/ }), 'Please help');
    await user.type(screen.getByRole('textbox', { name: /Steps/ }), 'It broke after the update.');
    await user.click(within(screen.getByRole('radiogroup', { name: 'Urgency' })).getByRole('radio', { name: 'High' }));
    await user.click(within(screen.getByRole('radiogroup', { name: 'Impact' })).getByRole('radio', { name: 'High' }));
    expect(screen.getByTestId('resulting-priority')).toHaveTextContent('P1 · Critical');
    await user.click(screen.getByRole('radio', { name: /Share with Acme Exams/ }));
    const input = document.getElementById('request-attachments-input') as HTMLInputElement;
    await user.upload(input, new File(['hello'], 'notes.txt', { type: 'text/plain' }));
    expect(await screen.findByText('Uploaded')).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Send request' }));
    await waitFor(() => expect(onSubmitted).toHaveBeenCalledWith('UmVxdWVzdDox'));
    const sent = submit.mock.calls[0]![0];
    expect(sent).toMatchObject({
      requestTypeId: 'RT1',
      organisationId: 'O1',
      summary: 'Please help',
      urgency: 'HIGH',
      impact: 'HIGH',
      priorityKey: null,
      visibility: 'ORGANISATION',
      attachmentIds: ['att-notes.txt'],
      participantIds: [],
    });
    // The hidden address is not sent; defaults the user kept are.
    expect(sent.fields).toEqual([
      { key: 'format', value: 'remote' },
      { key: 'steps', value: 'It broke after the update.' },
      { key: 'people', value: 5 },
      { key: 'urgent_call', value: false },
    ]);
  });

  it("shows the server's userErrors at their fields, the rest on top", async () => {
    const { user, onSubmitted } = setup({
      requestId: null,
      userErrors: [
        { field: ['input', 'fields', 'steps'], code: 'PATTERN_MISMATCH', message: 'Steps look odd to the server.' },
        { field: ['input', 'summary'], code: 'TOO_LONG', message: 'The summary is too long.' },
        { field: ['input', 'participantIds', '0'], code: 'NOT_A_MEMBER', message: 'Bob is not in Acme Exams.' },
        { field: null, code: 'CONFLICT', message: 'Something changed meanwhile.' },
      ],
    });
    await user.type(screen.getByRole('textbox', { name: /Summary/ }), 'Please help');
    await user.type(screen.getByRole('textbox', { name: /Steps/ }), 'It broke after the update.');
    await user.click(screen.getByRole('button', { name: 'Send request' }));

    expect(await screen.findByText('Steps look odd to the server.')).toBeInTheDocument();
    expect(screen.getByRole('textbox', { name: /Steps/ })).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByRole('textbox', { name: /Summary/ })).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByText('Bob is not in Acme Exams.')).toBeInTheDocument();
    expect(screen.getByRole('alert')).toHaveTextContent('Something changed meanwhile.');
    expect(onSubmitted).not.toHaveBeenCalled();
  });
});
