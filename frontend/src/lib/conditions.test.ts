import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConditionCycleError, evaluate, type ConditionalField } from './conditions';

// The shared vectors are read from the repository, never copied, so both evaluators stay in step.
// Vitest runs in frontend/ (its config's directory); the vectors live at the repository root.
const path = resolve(process.cwd(), '..', 'spec', 'condition-vectors.json');

interface Vector {
  name: string;
  fields: (ConditionalField & { kind: string })[];
  values: Record<string, unknown>;
  expected?: Record<string, { visible: boolean; required: boolean }>;
  expectedError?: string;
}

const spec = JSON.parse(readFileSync(path, 'utf8')) as { formatVersion: number; vectors: Vector[] };

describe('condition evaluator (spec/condition-vectors.json)', () => {
  it('reads a known format with vectors', () => {
    expect(spec.formatVersion).toBe(1);
    expect(spec.vectors.length).toBeGreaterThan(30);
  });

  it.each(spec.vectors.map((v) => [v.name, v] as const))('%s', (_name, vector) => {
    if (vector.expectedError) {
      expect(vector.expectedError).toBe('CONDITION_CYCLE');
      expect(() => evaluate(vector.fields, vector.values)).toThrow(ConditionCycleError);
    } else {
      expect(evaluate(vector.fields, vector.values)).toEqual(vector.expected);
    }
  });
});
