/**
 * Who is signed in. AuthProvider owns the urql client (one per sign-in session), loads the
 * viewer, and sends signed-out users to /login?next=<where they were>; RequireAuth guards the
 * app's screens; useViewer() gives them the signed-in viewer.
 */
import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
  type ReactNode,
} from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router';
import { Provider as UrqlProvider, useQuery, type Client } from 'urql';
import { createFrontdeskClient, type FrontdeskClient } from './client';
import { LogoutMutation, ViewerQuery } from './operations';
import { ErrorState, Loading } from './states';
import { Center, Container } from '@mantine/core';

export type UserRole = 'ADMIN' | 'AGENT' | 'CUSTOMER';
export type MembershipRole = 'SUPER_USER' | 'MEMBER';

export interface ViewerMembership {
  id: string;
  role: MembershipRole;
  organisation: { id: string; name: string };
}

export interface Viewer {
  id: string;
  displayName: string;
  email: string;
  role: UserRole;
  memberships: ViewerMembership[];
  /** Agents and admins. */
  isStaff: boolean;
  /** Memberships in which the viewer is a super user (may raise requests, manage members). */
  superUserOf: ViewerMembership[];
}

interface AuthValue {
  viewer: Viewer | null;
  /** Start a new session after signing in: fresh client (cache, WebSocket), viewer reloaded. */
  signedIn(): void;
  signOut(): Promise<void>;
  /** Re-read the viewer (e.g. after memberships changed). */
  refreshViewer(): void;
  client: Client;
}

const AuthContext = createContext<AuthValue | null>(null);

/** Where to go after signing in: only paths of this app, never another site. */
export function safeNext(next: string | null | undefined): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  if (next.startsWith('/login')) return '/';
  return next;
}

export function loginPath(location: { pathname: string; search: string; hash: string }): string {
  const here = `${location.pathname}${location.search}${location.hash}`;
  return here === '/' ? '/login' : `/login?next=${encodeURIComponent(here)}`;
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const navigate = useNavigate();
  const location = useLocation();
  const locationRef = useRef(location);
  locationRef.current = location;
  const [session, setSession] = useState(0);
  const expired = useRef(false);

  const frontdesk: FrontdeskClient = useMemo(
    () =>
      createFrontdeskClient({
        onUnauthenticated() {
          // The session ended (expired, or signed out elsewhere): start over at sign-in.
          if (expired.current) return;
          expired.current = true;
          const here = locationRef.current;
          if (!here.pathname.startsWith('/login')) navigate(loginPath(here), { replace: true });
          setSession((s) => s + 1);
        },
      }),
    // A new client per session: nothing cached for one user is shown to the next.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [session],
  );
  useEffect(() => {
    expired.current = false;
    return () => frontdesk.dispose();
  }, [frontdesk]);

  return (
    <UrqlProvider value={frontdesk.client}>
      <ViewerLoader
        key={session}
        client={frontdesk.client}
        onNewSession={() => setSession((s) => s + 1)}
      >
        {children}
      </ViewerLoader>
    </UrqlProvider>
  );
}

function ViewerLoader({
  children,
  client,
  onNewSession,
}: {
  children: ReactNode;
  client: Client;
  onNewSession: () => void;
}) {
  const [{ data, fetching, error }, reexecute] = useQuery({
    query: ViewerQuery,
    requestPolicy: 'network-only',
  });
  const refreshViewer = useCallback(() => reexecute({ requestPolicy: 'network-only' }), [reexecute]);

  const viewer = useMemo<Viewer | null>(() => {
    const v = data?.viewer;
    if (!v) return null;
    const memberships: ViewerMembership[] = v.memberships.map((m) => ({
      id: m.id,
      role: m.role as MembershipRole,
      organisation: { id: m.organisation.id, name: m.organisation.name },
    }));
    return {
      id: v.user.id,
      displayName: v.user.displayName,
      email: v.user.email,
      role: v.user.role as UserRole,
      memberships,
      isStaff: v.user.role !== 'CUSTOMER',
      superUserOf: memberships.filter((m) => m.role === 'SUPER_USER'),
    };
  }, [data]);

  const signOut = useCallback(async () => {
    await client.mutation(LogoutMutation, {}).toPromise();
    onNewSession();
  }, [client, onNewSession]);

  const value = useMemo<AuthValue>(
    () => ({ viewer, signedIn: onNewSession, signOut, refreshViewer, client }),
    [viewer, onNewSession, signOut, refreshViewer, client],
  );

  if (!data && fetching) {
    return (
      <Center h="100vh">
        <Loading label="Starting Frontdesk…" />
      </Center>
    );
  }
  if (!data && error) {
    return (
      <Container size="xs" py="xl">
        <ErrorState
          title="Frontdesk cannot be reached"
          error={error}
          onRetry={() => reexecute({ requestPolicy: 'network-only' })}
        />
      </Container>
    );
  }
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthValue {
  const value = useContext(AuthContext);
  if (!value) throw new Error('useAuth() outside <AuthProvider>');
  return value;
}

/** The signed-in viewer; use inside <RequireAuth> (throws when signed out). */
export function useViewer(): Viewer {
  const { viewer } = useAuth();
  if (!viewer) throw new Error('useViewer() needs a signed-in viewer: wrap the screen in <RequireAuth>');
  return viewer;
}

/** The viewer, or null when signed out. */
export function useOptionalViewer(): Viewer | null {
  return useAuth().viewer;
}

/** Renders its children for a signed-in viewer; otherwise sends them to sign in and back. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const { viewer } = useAuth();
  const location = useLocation();
  if (!viewer) return <Navigate to={loginPath(location)} replace />;
  return <>{children}</>;
}
