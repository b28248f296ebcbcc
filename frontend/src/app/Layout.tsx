/** The app shell: header with navigation and the user menu; a burger menu on phones. */
import {
  AppShell,
  Avatar,
  Burger,
  Button,
  Group,
  Menu,
  NavLink as MantineNavLink,
  Text,
  UnstyledButton,
  VisuallyHidden,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import {
  IconBuilding,
  IconChevronDown,
  IconHome,
  IconListDetails,
  IconLogout,
} from '@tabler/icons-react';
import { Link, Outlet, useLocation, useNavigate } from 'react-router';
import { useAuth, useViewer } from './auth';
import { initials, ROLE_LABELS } from '../lib/format';
import classes from './Layout.module.css';

interface NavItem {
  to: string;
  label: string;
  icon: typeof IconHome;
  active: (path: string) => boolean;
}

export function useNavItems(): NavItem[] {
  const viewer = useViewer();
  const items: NavItem[] = [
    {
      to: '/',
      label: 'Portal',
      icon: IconHome,
      active: (p) => p === '/' || p.startsWith('/portal') || p.startsWith('/create'),
    },
    { to: '/requests', label: 'Requests', icon: IconListDetails, active: (p) => p.startsWith('/requests') },
  ];
  for (const m of viewer.superUserOf) {
    const to = `/organisations/${encodeURIComponent(m.organisation.id)}`;
    items.push({
      to,
      label: viewer.superUserOf.length > 1 ? m.organisation.name : 'Organisation',
      icon: IconBuilding,
      active: (p) => p === to,
    });
  }
  return items;
}

export function Layout() {
  const [opened, { toggle, close }] = useDisclosure(false);
  const viewer = useViewer();
  const { signOut } = useAuth();
  const navigate = useNavigate();
  const { pathname } = useLocation();
  const items = useNavItems();

  const onSignOut = async () => {
    close();
    await signOut();
    navigate('/login?signedOut=1', { replace: true });
  };

  return (
    <AppShell
      header={{ height: 64 }}
      navbar={{ width: 280, breakpoint: 'sm', collapsed: { desktop: true, mobile: !opened } }}
      padding={{ base: 'sm', sm: 'lg' }}
    >
      <a href="#main" className={classes.skip}>
        Skip to content
      </a>
      <AppShell.Header className={classes.header}>
        <Group h="100%" px={{ base: 'sm', sm: 'lg' }} justify="space-between" wrap="nowrap">
          <Group gap="xs" wrap="nowrap">
            <Burger
              opened={opened}
              onClick={toggle}
              hiddenFrom="sm"
              size="sm"
              aria-label={opened ? 'Close navigation' : 'Open navigation'}
            />
            <Link to="/" className={classes.brand} onClick={close}>
              <span className={classes.logo} aria-hidden>
                F
              </span>
              <Text fw={700} size="lg">
                Frontdesk
              </Text>
            </Link>
          </Group>
          <Group component="nav" aria-label="Main" gap={4} visibleFrom="sm" wrap="nowrap">
            {items.map((item) => (
              <Button
                key={item.to}
                component={Link}
                to={item.to}
                variant={item.active(pathname) ? 'light' : 'subtle'}
                color={item.active(pathname) ? undefined : 'dark'}
                leftSection={<item.icon size={18} aria-hidden />}
                aria-current={item.active(pathname) ? 'page' : undefined}
              >
                {item.label}
              </Button>
            ))}
          </Group>
          <Menu position="bottom-end" width={240} withinPortal>
            <Menu.Target>
              <UnstyledButton className={classes.user} aria-label={`Account menu for ${viewer.displayName}`}>
                <Group gap={8} wrap="nowrap">
                  <Avatar color="brand" radius="xl" size={34}>
                    {initials(viewer.displayName)}
                  </Avatar>
                  <Text size="sm" fw={500} visibleFrom="md">
                    {viewer.displayName}
                  </Text>
                  <IconChevronDown size={14} aria-hidden />
                </Group>
              </UnstyledButton>
            </Menu.Target>
            <Menu.Dropdown>
              <Menu.Label>
                {viewer.email}
                <VisuallyHidden>, </VisuallyHidden>
                <Text size="xs" c="dimmed">
                  {viewer.isStaff
                    ? ROLE_LABELS[viewer.role]
                    : viewer.memberships
                        .map((m) => `${ROLE_LABELS[m.role]} · ${m.organisation.name}`)
                        .join(', ') || ROLE_LABELS[viewer.role]}
                </Text>
              </Menu.Label>
              <Menu.Divider />
              <Menu.Item leftSection={<IconLogout size={16} aria-hidden />} onClick={onSignOut}>
                Sign out
              </Menu.Item>
            </Menu.Dropdown>
          </Menu>
        </Group>
      </AppShell.Header>

      <AppShell.Navbar p="sm" aria-label="Main navigation">
        {items.map((item) => (
          <MantineNavLink
            key={item.to}
            component={Link}
            to={item.to}
            label={item.label}
            leftSection={<item.icon size={18} aria-hidden />}
            active={item.active(pathname)}
            onClick={close}
          />
        ))}
        <MantineNavLink
          component="button"
          label="Sign out"
          leftSection={<IconLogout size={18} aria-hidden />}
          onClick={onSignOut}
        />
      </AppShell.Navbar>

      <AppShell.Main id="main" className={classes.main}>
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}
