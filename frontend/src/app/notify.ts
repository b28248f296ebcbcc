import { notifications } from '@mantine/notifications';

/** A short confirmation in the corner (its close button labelled for screen readers). */
export function notify(message: string): void {
  notifications.show({
    message,
    color: 'green',
    autoClose: 3000,
    closeButtonProps: { 'aria-label': 'Dismiss' },
  });
}
