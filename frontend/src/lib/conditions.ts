/**
 * Form-field conditions: when a field is shown and when it is required.
 *
 * A TypeScript port of backend/domain/conditions.py (the server's verdict is authoritative);
 * both must pass every vector of spec/condition-vectors.json (src/lib/conditions.test.ts).
 *
 * - Visible: no SHOW conditions, or ALL of them hold.
 * - Required: visible and (static `required`, or it has REQUIRE conditions and ALL hold).
 * - No value (null, undefined, '' or whitespace-only, []): IN is false, NOT_IN is true.
 * - A single value compares as its canonical string; a list holds for IN when ANY element is
 *   listed, for NOT_IN when NONE is.
 * - A hidden or unknown controlling field counts as no value (so chains work).
 * - A cycle (either effect, self-reference included) throws ConditionCycleError.
 */

export type ConditionEffect = 'SHOW' | 'REQUIRE';
export type ConditionOperator = 'IN' | 'NOT_IN';

export interface Condition {
  effect: ConditionEffect;
  fieldKey: string;
  operator: ConditionOperator;
  values: readonly string[];
}

export interface ConditionalField {
  key: string;
  required: boolean;
  conditions: readonly Condition[];
}

export interface FieldState {
  visible: boolean;
  required: boolean;
}

export class ConditionCycleError extends Error {
  readonly code = 'CONDITION_CYCLE';
  constructor(readonly cycle: string[]) {
    super(`condition cycle: ${cycle.join(' -> ')}`);
    this.name = 'ConditionCycleError';
  }
}

/** No value: null/undefined, an empty or whitespace-only string, or an empty list. */
export function isBlank(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (typeof value === 'string') return value.trim() === '';
  if (Array.isArray(value)) return value.length === 0;
  return false;
}

/** Python's repr() of a finite, non-integral float: shortest round-trip digits, with
 * scientific notation when the exponent is < -4 or >= 16 (JavaScript switches elsewhere). */
function pythonFloatRepr(value: number): string {
  const [mantissa = '', exponentText = '0'] = value.toExponential().split('e');
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 16) {
    const sign = exponent < 0 ? '-' : '+';
    const digits = String(Math.abs(exponent)).padStart(2, '0');
    return `${mantissa}e${sign}${digits}`;
  }
  return String(value);
}

function canonical(value: unknown): string | null {
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return null;
    // Integral numbers (3 and 3.0 alike, JSON cannot tell them apart) in decimal.
    if (Number.isInteger(value)) return BigInt(value).toString();
    return pythonFloatRepr(value);
  }
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'string') return value;
  return null;
}

/** The strings a value presents to conditions (empty for no value). */
export function canonicalStrings(value: unknown): Set<string> {
  const out = new Set<string>();
  if (isBlank(value)) return out;
  const items: unknown[] = Array.isArray(value) ? value : [value];
  for (const item of items) {
    const text = canonical(item);
    if (text !== null) out.add(text);
  }
  return out;
}

/** Whether `condition` holds when its controlling field currently has `value`. */
export function conditionHolds(condition: Condition, value: unknown): boolean {
  const strings = canonicalStrings(value);
  const hit = condition.values.some((v) => strings.has(v));
  return condition.operator === 'IN' ? hit : !hit;
}

/** Field keys, controllers before the fields they control; throws on a cycle. */
export function dependencyOrder(fields: readonly ConditionalField[]): string[] {
  const byKey = new Map(fields.map((f) => [f.key, f]));
  const state = new Map<string, 1 | 2>(); // 1: on the current path, 2: done
  const order: string[] = [];
  const path: string[] = [];

  const visit = (key: string): void => {
    const mark = state.get(key);
    if (mark === 2) return;
    if (mark === 1) throw new ConditionCycleError([...path.slice(path.indexOf(key)), key]);
    state.set(key, 1);
    path.push(key);
    for (const condition of byKey.get(key)?.conditions ?? []) {
      if (byKey.has(condition.fieldKey)) visit(condition.fieldKey);
    }
    path.pop();
    state.set(key, 2);
    order.push(key);
  };

  for (const f of fields) visit(f.key);
  return order;
}

/** Visibility and required-ness of every field for the current values, keyed by field key. */
export function evaluate(
  fields: readonly ConditionalField[],
  values: Readonly<Record<string, unknown>>,
): Record<string, FieldState> {
  const byKey = new Map(fields.map((f) => [f.key, f]));
  const states = new Map<string, FieldState>();

  const seenValue = (key: string): unknown => {
    // Hidden (or unknown) controllers count as no value: this is what makes chains work.
    const state = states.get(key);
    return state?.visible && Object.prototype.hasOwnProperty.call(values, key)
      ? values[key]
      : undefined;
  };

  for (const key of dependencyOrder(fields)) {
    const f = byKey.get(key);
    if (!f) continue;
    const show = f.conditions.filter((c) => c.effect === 'SHOW');
    const require = f.conditions.filter((c) => c.effect === 'REQUIRE');
    const visible = show.every((c) => conditionHolds(c, seenValue(c.fieldKey)));
    const required =
      visible &&
      (f.required ||
        (require.length > 0 && require.every((c) => conditionHolds(c, seenValue(c.fieldKey)))));
    states.set(key, { visible, required });
  }
  const result: Record<string, FieldState> = {};
  for (const f of fields) {
    const state = states.get(f.key);
    if (state) result[f.key] = state;
  }
  return result;
}
