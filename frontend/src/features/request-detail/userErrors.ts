/**
 * Mapping a payload's `userErrors` to what a form shows: the message at the input it names,
 * and the rest (no field, or a field the form does not have) above the form.
 */

export interface UserErrorLike {
  field?: readonly string[] | null;
  code: string;
  message: string;
}

export interface SplitErrors {
  /** Message per input name (the first path part after `input`). */
  byField: Record<string, string>;
  /** Messages that belong to no input of the form. */
  general: string[];
}

export function splitUserErrors(
  errors: readonly UserErrorLike[] | null | undefined,
  formFields: readonly string[],
): SplitErrors {
  const byField: Record<string, string> = {};
  const general: string[] = [];
  for (const error of errors ?? []) {
    const path = error.field ?? [];
    const name = path[0] === 'input' ? path[1] : path[0];
    if (name && formFields.includes(name) && !(name in byField)) {
      byField[name] = error.message;
    } else {
      general.push(error.message);
    }
  }
  return { byField, general };
}
