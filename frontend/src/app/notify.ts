import { notifications } from '@mantine/notifications';

/** A short confirmation in the corner (the theme labels its close button). */
export function notify(message: string): void {
  notifications.show({
    message,
    color: 'green',
    autoClose: 3000,
  });
}
