import { Alert, Anchor, Button, Group, Stack, Text, TextInput } from '@mantine/core';
import { IconArrowLeft, IconMailCheck } from '@tabler/icons-react';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { useMutation } from 'urql';
import { errorMessage } from '../../app/states';
import { errorsByPath } from '../../lib/userErrors';
import { AuthCard } from './AuthCard';
import { PasswordResetRequestMutation } from './operations';

export default function ForgotPasswordPage() {
  const [email, setEmail] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [sentTo, setSentTo] = useState<string | null>(null);
  const [{ fetching }, request] = useMutation(PasswordResetRequestMutation);

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    const value = email.trim();
    if (!value || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)) {
      setErrors({ email: 'Enter the e-mail address of your account.' });
      return;
    }
    setErrors({});
    const result = await request({ input: { email: value } });
    if (result.error) {
      setErrors({ '': errorMessage(result.error) });
      return;
    }
    const payload = result.data?.passwordResetRequest;
    if (payload?.userErrors.length) {
      setErrors(errorsByPath(payload.userErrors));
      return;
    }
    setSentTo(value);
  };

  const back = (
    <Anchor component={Link} to="/login" size="sm">
      <Group gap={4} component="span">
        <IconArrowLeft size={14} aria-hidden />
        Back to sign in
      </Group>
    </Anchor>
  );

  if (sentTo) {
    return (
      <AuthCard title="Check your inbox" footer={back}>
        <Alert color="green" variant="light" icon={<IconMailCheck aria-hidden />} role="status">
          <Text size="sm">
            If <strong>{sentTo}</strong> belongs to an account, a link to choose a new password is
            on its way. It works once, for a limited time.
          </Text>
        </Alert>
      </AuthCard>
    );
  }

  return (
    <AuthCard
      title="Forgot your password?"
      subtitle="Enter your e-mail address and we will send you a link to choose a new one."
      footer={back}
    >
      <form onSubmit={onSubmit} noValidate aria-label="Request a password reset link">
        <Stack gap="md">
          {errors[''] && (
            <Alert color="red" variant="light" role="alert">
              {errors['']}
            </Alert>
          )}
          <TextInput
            label="E-mail address"
            type="email"
            autoComplete="email"
            required
            value={email}
            onChange={(e) => setEmail(e.currentTarget.value)}
            error={errors.email}
            autoFocus
          />
          <Button type="submit" loading={fetching} fullWidth>
            Send reset link
          </Button>
        </Stack>
      </form>
    </AuthCard>
  );
}
