/** Client-side search over request types: every word must appear in the name, description or
 * category name (case and accents ignored); name hits rank first. */

const fold = (text: string): string =>
  text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase();

interface TypeLike {
  id: string;
  name: string;
  description: string;
}

interface CategoryLike {
  id: string;
  name: string;
  requestTypes: readonly TypeLike[];
}

export function searchRequestTypes<C extends CategoryLike>(
  categories: readonly C[],
  query: string,
): { type: C['requestTypes'][number]; category: C }[] {
  type T = C['requestTypes'][number];
  const words = fold(query).split(/\s+/).filter(Boolean);
  if (!words.length) return [];
  const hits: { type: T; category: C; score: number }[] = [];
  for (const category of categories) {
    for (const type of category.requestTypes) {
      const name = fold(type.name);
      const haystack = `${name} ${fold(type.description)} ${fold(category.name)}`;
      if (!words.every((w) => haystack.includes(w))) continue;
      const score = words.filter((w) => name.includes(w)).length;
      hits.push({ type, category, score });
    }
  }
  return hits.sort((a, b) => b.score - a.score).map(({ type, category }) => ({ type, category }));
}
