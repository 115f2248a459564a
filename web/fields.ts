/**
 * What the page shows for each field of a face: its name in the answer, its range and a short
 * plain-language hint (the exact definitions are in the README and openapi.json). Pure data and
 * pure functions, unit-tested.
 */
import type { FaceQuality } from './client.js';

export interface FieldInfo {
  /** Path in the face object, e.g. `occlusion.left_eye`. */
  readonly path: string;
  /** Lowest and highest value; undefined for pixel coordinates. */
  readonly range?: readonly [number, number];
  /** Unit shown after the value. */
  readonly unit?: string;
  /** What the number means, for a person. */
  readonly hint: string;
}

/** Every field of a face, in the answer's order. */
export const FACE_FIELDS: readonly FieldInfo[] = Object.freeze([
  { path: 'rect.left', unit: 'px', hint: 'Left edge of the face box, in pixels from the left of the photo.' },
  { path: 'rect.top', unit: 'px', hint: 'Top edge of the face box, in pixels from the top of the photo.' },
  {
    path: 'rect.right',
    unit: 'px',
    hint: 'Right edge of the face box, in pixels from the left of the photo.',
  },
  {
    path: 'rect.bottom',
    unit: 'px',
    hint: 'Bottom edge of the face box, in pixels from the top of the photo.',
  },
  {
    path: 'pose.yaw',
    range: [-90, 90],
    unit: '°',
    hint: 'Head turned left or right; 0 is looking straight at the camera, positive is turned toward the left of the photo.',
  },
  {
    path: 'pose.pitch',
    range: [-180, 180],
    unit: '°',
    hint: 'Head tilted up or down; 0 is level, positive is chin up.',
  },
  {
    path: 'pose.roll',
    range: [-180, 180],
    unit: '°',
    hint: 'Head leaning toward a shoulder; 0 is upright, positive is rotated clockwise as you look at the photo.',
  },
  {
    path: 'occlusion.left_eye',
    range: [0, 1],
    hint: 'How much of the person’s own left eye (on the right of the photo) is visible; 1 is fully visible, lower means covered (hair, glasses glare, a hand) or out of frame.',
  },
  {
    path: 'occlusion.right_eye',
    range: [0, 1],
    hint: 'How much of the person’s own right eye (on the left of the photo) is visible; 1 is fully visible.',
  },
  {
    path: 'occlusion.nose',
    range: [0, 1],
    hint: 'How much of the nose is visible; a mask or a hand lowers it.',
  },
  {
    path: 'occlusion.mouth',
    range: [0, 1],
    hint: 'How much of the mouth is visible; a mask, a scarf or a hand lowers it.',
  },
  {
    path: 'occlusion.total',
    range: [0, 1],
    hint: 'How much of the eyes, nose and mouth together is visible; 1 means nothing covers the face.',
  },
  {
    path: 'distance2center',
    range: [0, 1],
    hint: 'How centred the face is in the photo; 1 is right in the middle, 0 is far off to a side.',
  },
  {
    path: 'size',
    range: [0, 1],
    hint: 'Share of the photo the face takes up; a close-up portrait is around 0.1–0.3, a small face far away is near 0.',
  },
  {
    path: 'brightness',
    range: [-1, 1],
    hint: 'How bright the skin of the face is; 0 is well exposed, negative is too dark, positive is too bright.',
  },
  {
    path: 'sharpness',
    range: [0, 1],
    hint: 'How sharp the face is; 1 is crisp, low values mean blur from motion or focus.',
  },
  {
    path: 'mouth_open',
    range: [0, 1],
    hint: 'Whether the mouth is closed; 1 is closed, lower means open (talking, smiling with teeth, yawning).',
  },
  {
    path: 'integrity',
    range: [0, 1],
    hint: 'How much of the face is inside the photo; 1 is the whole face, 0.5 means half of it is cut off by the edge.',
  },
] satisfies FieldInfo[]);

/** The value at `path` in `face` (a number for every path of {@link FACE_FIELDS}). */
export function fieldValue(face: FaceQuality, path: string): number {
  let value: unknown = face;
  for (const key of path.split('.')) value = (value as Record<string, unknown> | undefined)?.[key];
  if (typeof value !== 'number') throw new Error(`face has no number at ${path}`);
  return value;
}

/** `value` as shown: integers as they are, other numbers with up to 4 decimals, then the unit. */
export function formatValue(value: number, unit?: string): string {
  const text = Number.isInteger(value)
    ? String(value)
    : value.toFixed(4).replace(/0+$/, '').replace(/\.$/, '');
  return unit === undefined ? text : unit === '°' ? `${text}°` : `${text} ${unit}`;
}

/** Where `value` lies in `range`, in [0, 1] (for a bar), or undefined without a range. */
export function rangePosition(
  value: number,
  range: readonly [number, number] | undefined,
): number | undefined {
  if (range === undefined) return undefined;
  const [low, high] = range;
  return Math.min(1, Math.max(0, (value - low) / (high - low)));
}
