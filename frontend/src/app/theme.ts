import {
  createTheme,
  defaultVariantColorsResolver,
  parseThemeColor,
  type CSSVariablesResolver,
  type MantineColorsTuple,
  type VariantColorsResolver,
} from '@mantine/core';

// A calm blue brand; shades 6+ keep white text at WCAG AA contrast.
const brand: MantineColorsTuple = [
  '#e7f1ff',
  '#d0e0fc',
  '#a1bef3',
  '#6f9aeb',
  '#467ce4',
  '#2c69e0',
  '#1d5fdf',
  '#0e4fc7',
  '#0046b3',
  '#003c9f',
];

// Text on "light" variants (badges, light buttons, theme icons) in a dark shade, so that it keeps
// WCAG AA contrast on its tinted background; the bright hues need darker than shade 9.
const LIGHT_TEXT: Record<string, string> = {
  orange: '#9c3b00',
  yellow: '#7a5200',
  lime: '#4d6b0f',
  green: '#1f6d30',
  teal: '#066649',
  cyan: '#0b6173',
};

const variantColorResolver: VariantColorsResolver = (input) => {
  const resolved = defaultVariantColorsResolver(input);
  if (input.variant !== 'light') return resolved;
  const parsed = parseThemeColor({ color: input.color || input.theme.primaryColor, theme: input.theme });
  if (!parsed.isThemeColor) return resolved;
  const color = LIGHT_TEXT[parsed.color] ?? `var(--mantine-color-${parsed.color}-9)`;
  return { ...resolved, color, hoverColor: color };
};

export const theme = createTheme({
  variantColorResolver,
  primaryColor: 'brand',
  primaryShade: { light: 7, dark: 5 },
  colors: { brand },
  defaultRadius: 'md',
  fontFamily:
    'Inter, system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
  headings: { fontWeight: '650' },
  components: {
    Card: { defaultProps: { withBorder: true, radius: 'lg' } },
    Paper: { defaultProps: { radius: 'lg' } },
    Button: { defaultProps: { radius: 'md' } },
    // Every notification's close button gets a name for screen readers (axe: button-name).
    Notification: { defaultProps: { closeButtonProps: { 'aria-label': 'Dismiss' } } },
  },
});

/** Dimmed and error text darker than Mantine's default (gray.6), so it keeps WCAG AA contrast (4.5:1)
 * on white and on the gray.0 page background. */
export const cssVariablesResolver: CSSVariablesResolver = () => ({
  variables: {},
  light: {
    '--mantine-color-dimmed': 'var(--mantine-color-gray-7)',
    // Mantine's default error red (red.6) is 3.3:1 on white; red.9 is above 5:1.
    '--mantine-color-error': 'var(--mantine-color-red-9)',
  },
  dark: {},
});
