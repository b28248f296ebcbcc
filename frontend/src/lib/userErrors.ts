/** Mapping a mutation's `userErrors` to form fields. */

export interface UserErrorLike {
  field?: readonly string[] | null;
  code: string;
  message: string;
}

/** The path below `input`, joined with dots: ["input","fields","steps"] -> "fields.steps". */
export function errorPath(error: UserErrorLike): string | null {
  const field = error.field;
  if (!field || field.length === 0) return null;
  const rest = field[0] === 'input' ? field.slice(1) : field;
  return rest.length ? rest.join('.') : null;
}

/** Messages by path (first message per path wins); errors without a path under "". */
export function errorsByPath(errors: readonly UserErrorLike[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of errors) {
    const key = errorPath(e) ?? '';
    out[key] ??= e.message;
  }
  return out;
}
