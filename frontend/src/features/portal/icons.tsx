/** Icons named by the catalog (RequestType.icon) mapped to Tabler icons, with a fallback. */
import {
  IconAlertTriangle,
  IconBug,
  IconCategory,
  IconHeadset,
  IconHelpCircle,
  IconBulb,
  IconPuzzle,
  IconSchool,
  IconTrendingUp,
  IconUserPlus,
  IconMessage,
  IconBriefcase,
  IconFlame,
  IconKey,
  IconMail,
  IconDeviceLaptop,
  IconSettings,
  IconShoppingCart,
  type Icon,
} from '@tabler/icons-react';

const BY_NAME: Record<string, Icon> = {
  bug: IconBug,
  question: IconHelpCircle,
  help: IconHelpCircle,
  school: IconSchool,
  training: IconSchool,
  extension: IconPuzzle,
  'add-on': IconPuzzle,
  'trending-up': IconTrendingUp,
  'person-add': IconUserPlus,
  'user-plus': IconUserPlus,
  lightbulb: IconBulb,
  idea: IconBulb,
  alert: IconAlertTriangle,
  incident: IconFlame,
  key: IconKey,
  access: IconKey,
  mail: IconMail,
  laptop: IconDeviceLaptop,
  settings: IconSettings,
  cart: IconShoppingCart,
  message: IconMessage,
};

export function iconFor(name: string | null | undefined): Icon {
  return (name && BY_NAME[name.toLowerCase()]) || IconCategory;
}

/** Category icons: by well-known names, else the icon of its first request type. */
const CATEGORY: Record<string, Icon> = {
  support: IconHeadset,
  service: IconBriefcase,
  'sales support': IconShoppingCart,
  sales: IconShoppingCart,
  feedback: IconBulb,
  incidents: IconFlame,
};

export function categoryIcon(name: string, firstTypeIcon?: string | null): Icon {
  return CATEGORY[name.toLowerCase()] ?? iconFor(firstTypeIcon);
}

/** A stable accent colour per category, so each keeps its look across pages. */
const COLORS = ['brand', 'teal', 'grape', 'orange', 'red', 'indigo', 'cyan', 'pink'];
export function categoryColor(name: string): string {
  if (name.toLowerCase() === 'incidents') return 'red';
  let hash = 0;
  for (const ch of name) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  return COLORS[hash % COLORS.length] ?? 'brand';
}
