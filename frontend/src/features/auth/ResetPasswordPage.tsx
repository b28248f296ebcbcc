import { Alert, Anchor, Button, PasswordInput, Stack } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useMutation } from 'urql';
import { errorMessage } from '../../app/states';
import { errorsByPath } from '../../lib/userErrors';
import { AuthCard } from './AuthCard';
import { PasswordResetMutation } from './operations';

// The server's rule (FRONTDESK_PASSWORD_MIN_LENGTH, default 10) decides; this is a first check.
const MIN_LENGTH = 10;

export default function ResetPasswordPage() {
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const navigate = useNavigate();
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [{ fetching }, reset] = useMutation(PasswordResetMutation);

  const again = (
    <Anchor component={Link} to="/forgot-password" size="sm">
      Ask for a new link
    </Anchor>
  );

  if (!token) {
    return (
      <AuthCard title="Choose a new password" footer={again}>
        <Alert color="red" variant="light" role="alert" title="This link is incomplete">
          Open the link from the e-mail exactly as it was sent, or ask for a new one.
        </Alert>
      </AuthCard>
    );
  }

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    const problems: Record<string, string> = {};
    if (password.length < MIN_LENGTH) {
      problems.newPassword = `Use at least ${MIN_LENGTH} characters.`;
    }
    if (confirm !== password) problems.confirm = 'The passwords do not match.';
    setErrors(problems);
    if (Object.keys(problems).length) return;
    const result = await reset({ input: { token, newPassword: password } });
    if (result.error) {
      setErrors({ '': errorMessage(result.error) });
      return;
    }
    const payload = result.data?.passwordReset;
    if (payload?.success) {
      navigate('/login?reset=1', { replace: true });
      return;
    }
    const byPath = errorsByPath(payload?.userErrors ?? []);
    setErrors({ ...byPath, '': byPath.token ?? byPath[''] ?? '' });
  };

  return (
    <AuthCard
      title="Choose a new password"
      subtitle="You will be signed out everywhere else; sign in again with the new password."
      footer={again}
    >
      <form onSubmit={onSubmit} noValidate aria-label="Choose a new password">
        <Stack gap="md">
          {errors[''] && (
            <Alert color="red" variant="light" role="alert" title="The password was not changed">
              {errors['']}
            </Alert>
          )}
          <PasswordInput
            label="New password"
            description={`At least ${MIN_LENGTH} characters.`}
            autoComplete="new-password"
            required
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            error={errors.newPassword}
            autoFocus
          />
          <PasswordInput
            label="Repeat the new password"
            autoComplete="new-password"
            required
            value={confirm}
            onChange={(e) => setConfirm(e.currentTarget.value)}
            error={errors.confirm}
          />
          <Button type="submit" loading={fetching} fullWidth>
            Save the new password
          </Button>
        </Stack>
      </form>
    </AuthCard>
  );
}
