import { Alert, Anchor, Button, Group, PasswordInput, Stack, TextInput } from '@mantine/core';
import { IconCircleCheck, IconInfoCircle } from '@tabler/icons-react';
import { useState, type FormEvent } from 'react';
import { Link, Navigate, useSearchParams } from 'react-router';
import { useMutation } from 'urql';
import { safeNext, useAuth } from '../../app/auth';
import { errorMessage } from '../../app/states';
import { errorsByPath } from '../../lib/userErrors';
import { AuthCard } from './AuthCard';
import { LoginMutation } from './operations';

export default function SignInPage() {
  const { viewer, signedIn } = useAuth();
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const [email, setEmail] = useState(params.get('email') ?? '');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [{ fetching }, login] = useMutation(LoginMutation);

  if (viewer) return <Navigate to={next} replace />;

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    const problems: Record<string, string> = {};
    if (!email.trim()) problems.email = 'Enter your e-mail address.';
    if (!password) problems.password = 'Enter your password.';
    setErrors(problems);
    if (Object.keys(problems).length) return;
    const result = await login({ input: { email: email.trim(), password } });
    if (result.error) {
      setErrors({ '': errorMessage(result.error) });
      return;
    }
    const payload = result.data?.login;
    if (payload && payload.userErrors.length === 0 && payload.viewer) {
      signedIn(); // new session: the viewer reloads and this page redirects to `next`
      return;
    }
    const byPath = errorsByPath(payload?.userErrors ?? []);
    // Wrong e-mail or password is one message for the form, never a hint which one was wrong.
    setErrors(Object.keys(byPath).length ? byPath : { '': 'Signing in failed.' });
  };

  const formError = errors[''];
  return (
    <AuthCard
      title="Sign in"
      subtitle="Raise and follow your requests to the service desk."
      footer={
        <>
          New here? Ask a super user of your organisation to add you.
        </>
      }
    >
      <form onSubmit={onSubmit} noValidate aria-label="Sign in">
        <Stack gap="md">
          {params.get('signedOut') && !formError && (
            <Alert color="green" variant="light" icon={<IconCircleCheck aria-hidden />} role="status">
              You have signed out.
            </Alert>
          )}
          {params.get('reset') && !formError && (
            <Alert color="green" variant="light" icon={<IconCircleCheck aria-hidden />} role="status">
              Your password was changed. Sign in with the new one.
            </Alert>
          )}
          {params.get('next') && !formError && (
            <Alert color="brand" variant="light" icon={<IconInfoCircle aria-hidden />} role="status">
              Sign in to continue.
            </Alert>
          )}
          {formError && (
            <Alert color="red" variant="light" role="alert" title="Signing in failed">
              {formError}
            </Alert>
          )}
          <TextInput
            label="E-mail address"
            type="email"
            autoComplete="username"
            required
            value={email}
            onChange={(e) => setEmail(e.currentTarget.value)}
            error={errors.email}
            autoFocus
          />
          <PasswordInput
            label="Password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            error={errors.password}
          />
          <Group justify="space-between" align="center">
            <Anchor component={Link} to="/forgot-password" size="sm">
              Forgot your password?
            </Anchor>
            <Button type="submit" loading={fetching}>
              Sign in
            </Button>
          </Group>
        </Stack>
      </form>
    </AuthCard>
  );
}
