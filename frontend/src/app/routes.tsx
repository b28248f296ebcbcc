/** Every screen and its URL. Screens load lazily, so the first page stays small. */
import { Button, Container } from '@mantine/core';
import { lazy, Suspense, type ReactNode } from 'react';
import { Link, Route, Routes } from 'react-router';
import { RequireAuth } from './auth';
import { Layout } from './Layout';
import { EmptyState, Loading } from './states';

const SignInPage = lazy(() => import('../features/auth/SignInPage'));
const ForgotPasswordPage = lazy(() => import('../features/auth/ForgotPasswordPage'));
const ResetPasswordPage = lazy(() => import('../features/auth/ResetPasswordPage'));
const PortalHome = lazy(() => import('../features/portal/PortalHome'));
const CategoryPage = lazy(() => import('../features/portal/CategoryPage'));
const RequestFormPage = lazy(() => import('../features/portal/RequestFormPage'));
const OverviewPage = lazy(() => import('../features/overview/OverviewPage'));
const RequestDetailPage = lazy(() => import('../features/request-detail/RequestDetailPage'));
const OrganisationPage = lazy(() => import('../features/organisation/OrganisationPage'));

function Page({ children }: { children: ReactNode }) {
  return <Suspense fallback={<Loading />}>{children}</Suspense>;
}

export function NotFound() {
  return (
    <Container size="sm">
      <EmptyState
        title="Page not found"
        description="The address may be mistyped, or the page moved."
        action={
          <Button component={Link} to="/">
            Go to the portal
          </Button>
        }
      />
    </Container>
  );
}

export function AppRoutes() {
  return (
    <Routes>
      <Route path="/login" element={<Page><SignInPage /></Page>} />
      <Route path="/forgot-password" element={<Page><ForgotPasswordPage /></Page>} />
      <Route path="/reset-password" element={<Page><ResetPasswordPage /></Page>} />
      <Route
        element={
          <RequireAuth>
            <Layout />
          </RequireAuth>
        }
      >
        <Route index element={<Page><PortalHome /></Page>} />
        <Route path="portal/categories/:categoryId" element={<Page><CategoryPage /></Page>} />
        <Route path="create/:requestTypeId" element={<Page><RequestFormPage /></Page>} />
        <Route path="requests" element={<Page><OverviewPage /></Page>} />
        <Route path="requests/:id" element={<Page><RequestDetailPage /></Page>} />
        <Route path="organisations/:id" element={<Page><OrganisationPage /></Page>} />
        <Route path="*" element={<NotFound />} />
      </Route>
    </Routes>
  );
}
