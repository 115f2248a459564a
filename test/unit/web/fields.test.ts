import { describe, expect, it } from '@jest/globals';
import { FACE_FIELDS, fieldValue, formatValue, rangePosition } from '../../../web/fields.js';
import { readOpenApiDocument } from '../../helpers/openapi.js';
import { SAMPLE_FACE } from '../../helpers/sample-face.js';

type Schema = { properties?: Record<string, Schema & { $ref?: string }>; minimum?: number; maximum?: number };

/** Every leaf path of the OpenAPI `Face` schema, with its range. */
function openApiFaceFields(): Map<string, [number | undefined, number | undefined]> {
  const schemas = (readOpenApiDocument().components as { schemas: Record<string, Schema> }).schemas;
  const fields = new Map<string, [number | undefined, number | undefined]>();
  const walk = (schema: Schema, prefix: string): void => {
    for (const [name, property] of Object.entries(schema.properties ?? {})) {
      const target = property.$ref === undefined ? property : schemas[property.$ref.split('/').pop() ?? ''];
      if (target?.properties !== undefined) walk(target, `${prefix}${name}.`);
      else fields.set(`${prefix}${name}`, [target?.minimum, target?.maximum]);
    }
  };
  walk(schemas.Face ?? {}, '');
  return fields;
}

describe('FACE_FIELDS', () => {
  it('has a hint for exactly the fields of the OpenAPI Face schema, with the same ranges', () => {
    const documented = openApiFaceFields();
    expect(FACE_FIELDS.map((f) => f.path).sort()).toEqual([...documented.keys()].sort());
    for (const field of FACE_FIELDS) {
      const [minimum, maximum] = documented.get(field.path) ?? [];
      if (field.range !== undefined) expect(field.range).toEqual([minimum, maximum]);
      expect(field.hint.length).toBeGreaterThan(20);
    }
  });

  it('reads every field of a face', () => {
    expect(fieldValue(SAMPLE_FACE, 'rect.left')).toBe(SAMPLE_FACE.rect.left);
    expect(fieldValue(SAMPLE_FACE, 'occlusion.total')).toBe(SAMPLE_FACE.occlusion.total);
    for (const field of FACE_FIELDS) expect(typeof fieldValue(SAMPLE_FACE, field.path)).toBe('number');
    expect(() => fieldValue(SAMPLE_FACE, 'pose.tilt')).toThrow(/pose.tilt/);
  });
});

describe('formatValue and rangePosition', () => {
  it('shows integers as they are and other numbers with at most 4 decimals, with the unit', () => {
    expect(formatValue(181, 'px')).toBe('181 px');
    expect(formatValue(-1.04661, '°')).toBe('-1.0466°');
    expect(formatValue(0.5)).toBe('0.5');
    expect(formatValue(1)).toBe('1');
  });

  it('places a value on its range, clamped', () => {
    expect(rangePosition(0, [-1, 1])).toBe(0.5);
    expect(rangePosition(2, [0, 1])).toBe(1);
    expect(rangePosition(-3, [0, 1])).toBe(0);
    expect(rangePosition(5, undefined)).toBeUndefined();
  });
});
