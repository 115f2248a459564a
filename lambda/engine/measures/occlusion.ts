/**
 * Per-part occlusion: the visible fraction of each facial part's landmark region. By default the
 * engine answers it with the trained occlusion head ({@link occlusionFromHead}); what follows
 * describes the analytic cues of the first version, used with `occlusionHead: false`, which judge
 * each part against the face's own skin.
 *
 * Work happens on the face crop resampled to `OCCLUSION_CANONICAL_IOD_PX` between the eye centres
 * (never enlarged). Each in-image pixel of a part's region gets a visibility in [0, 1], the largest of
 * - colour: how well its chromaticity (intensity-free, so shading and exposure hardly matter)
 *   matches the face's skin model, or lip colours for the mouth;
 * - texture: local luma contrast relative to the skin's luma — eyes, brows, lashes, nostrils and
 *   lip contours are full of edges, while mask cloth, sunglass lenses and patches are flat;
 * - mouth gap: dark or neutral pixels inside the inner-lip contour (an open mouth's interior, teeth).
 * A part's visibility is the mean over its region, times a structure factor for the mouth and nose:
 * a visible mouth differs from the ring of skin around it (lips are less green, the lip line or gap
 * is darker) and a visible nose shows nostrils darker than its surroundings. A mask or hand looks
 * the same inside and around the part; this catches masks close to the skin's own colour (white or
 * pink on pale skin) that the colour cue alone accepts. Pixels are judged where the region lies in
 * the image; the share of the region outside the image is out of frame, so not visible: a part's
 * answer is its in-image visibility times its in-image share of area (an eye cut off by the border
 * reads 0). `total` is the area-weighted mean of the four parts.
 * Greyscale photos carry no chromaticity: there only darkness (flat areas below about half the
 * skin's luma: sunglasses, black cloth, deep shadow) and missing lip/nostril contrast lower a part.
 *
 * A face in near darkness (fewer than a handful of reference pixels with R+G+B above
 * `MIN_CHROMA_SUM`) has no skin model. It is judged like a greyscale photo, against the median luma
 * of the reference regions floored at `TEXTURE_REFERENCE_MIN_LUMA`: the luma gate replaces colour
 * (pixels much darker than the reference get no credit), texture and the lip/nostril structure
 * count as usual, and the mouth-gap cue (which needs "darker than skin") is off. So visibility is
 * only what can be seen: as a face goes black its parts fade to 0 (occluded), never to a default 1.
 */
import { frameOf } from '../frame.js';
import { type Landmarks68, regionPoints } from '../landmarks.js';
import { headPartRegions, OCCLUSION_HEAD_PARTS, type PartVisibility } from '../models/occlusion-head.js';
import type { Occlusion, Point } from '../types.js';
import { clipToRect } from './five-features.js';
import { fitSkinModel, MIN_CHROMA_SUM, type RgbSamples, type SkinModel } from './pixels/chroma.js';
import { type FaceFrame, faceFrame, landmarksUsable } from './pixels/face-frame.js';
import { localLumaStd } from './pixels/local-contrast.js';
import {
  convexHull,
  forEachPolygonSpan,
  growPolygon,
  mapPolygon,
  polygonArea,
  polygonsBounds,
} from './pixels/polygon.js';
import { surroundStats } from './pixels/region-stats.js';
import { type RgbCrop, resampleRegion } from './pixels/resample.js';
import { skinReferenceRegions } from './pixels/skin-regions.js';
import type { MeasureInput } from './types.js';

/** Inter-ocular distance, in crop pixels, that larger faces are shrunk to. */
export const OCCLUSION_CANONICAL_IOD_PX = 64;
/** Local luma std, as a fraction of the skin's median luma, at which texture starts / fully counts. */
export const TEXTURE_LOW = 0.05;
export const TEXTURE_HIGH = 0.14;
/** Chromaticity distance (in skin-model sigmas) up to which a pixel is fully / at all skin. */
export const SKIN_SIGMAS_FULL = 2;
export const SKIN_SIGMAS_NONE = 3.5;
/** Sensor/JPEG noise of one 8-bit channel; divided by R+G+B it is the chromaticity noise. */
const CHROMA_NOISE = 2;
/** Shares of the skin's median luma below which colour gives no / full credit (luma gate). */
export const DARK_SHARE_NONE = 0.25;
export const DARK_SHARE_FULL = 0.45;
/**
 * Smallest reference luma that texture and, without a skin model, the luma gate are measured
 * against: the luma of a neutral pixel at `MIN_CHROMA_SUM`. Below it sensor/JPEG noise (a level or
 * two) would pass for texture, and a black face would match its own black "skin".
 */
export const TEXTURE_REFERENCE_MIN_LUMA = MIN_CHROMA_SUM / 3;

/**
 * Structure-factor anchors, set on the masks-with-without dev set (with vs without mask):
 * lip contrast = max((ring g - lip g) / 0.02, (1 - lip p10 luma / ring median luma) / 0.35), mapped
 * 0.3 -> 0 and 1 -> 1; nostril darkness = 1 - nostril p10 luma / ring median luma, mapped
 * 0.08 -> 0 and 0.32 -> 1, and the nose keeps at least `NOSE_STRUCTURE_FLOOR` (faint nostrils are
 * common on unoccluded faces, so their absence is weaker evidence than absent lips).
 */
const LIP_GREEN_DROP = 0.02;
const LIP_DARKENING = 0.35;
const LIP_CONTRAST_NONE = 0.3;
const NOSTRIL_DARK_NONE = 0.08;
const NOSTRIL_DARK_FULL = 0.32;
export const NOSE_STRUCTURE_FLOOR = 0.5;
/** Rings around the mouth and nose, in inter-ocular distances. */
const MOUTH_RING_IOD = 0.2;
const NOSE_RING_IOD = 0.25;
const NOSTRIL_GROW_IOD = 0.06;

/** Answer for a face whose judged regions all miss the image: nothing of it can be seen. */
const NOTHING_IN_IMAGE: Occlusion = Object.freeze({ left_eye: 0, right_eye: 0, nose: 0, mouth: 0, total: 0 });

/** Area of `polygon` (px²) and the share of it inside the `widthPx × heightPx` image, in [0,1]. */
function areaInImage(
  polygon: readonly Point[],
  widthPx: number,
  heightPx: number,
): { areaPx2: number; share: number } {
  // Part regions are grown contours, close to convex: their hull is what the clipping needs.
  const hull = convexHull(polygon);
  const areaPx2 = polygonArea(hull);
  if (!(areaPx2 > 0)) return { areaPx2: 0, share: 0 };
  return { areaPx2, share: clamp01(polygonArea(clipToRect(hull, widthPx, heightPx)) / areaPx2) };
}

export type PartName = 'left_eye' | 'right_eye' | 'nose' | 'mouth';

interface PartRegion {
  readonly name: PartName;
  /** Region judged, in image pixels. */
  readonly polygon: Point[];
}

/** The four judged regions in image pixels: landmark contours grown by a fraction of the inter-ocular distance. */
function partRegions(landmarks: Landmarks68, frame: FaceFrame): PartRegion[] {
  const iod = frame.interOcularPx;
  return [
    { name: 'left_eye', polygon: growPolygon(regionPoints(landmarks, 'subjectLeftEye'), 0.1 * iod) },
    { name: 'right_eye', polygon: growPolygon(regionPoints(landmarks, 'subjectRightEye'), 0.1 * iod) },
    { name: 'nose', polygon: growPolygon(convexHull(regionPoints(landmarks, 'nose')), 0.08 * iod) },
    { name: 'mouth', polygon: growPolygon(regionPoints(landmarks, 'outerLips'), 0.05 * iod) },
  ];
}

function smoothstep(edge0: number, edge1: number, v: number): number {
  const t = Math.min(1, Math.max(0, (v - edge0) / (edge1 - edge0)));
  return t * t * (3 - 2 * t);
}

/** Copies the crop's RGB under one crop-space polygon. */
function gatherPixels(crop: RgbCrop, polygon: readonly Point[]): RgbSamples {
  let count = 0;
  forEachPolygonSpan(polygon, crop.width, crop.height, (_y, x0, x1) => {
    count += x1 - x0;
  });
  const rgb = new Float32Array(count * 3);
  let k = 0;
  forEachPolygonSpan(polygon, crop.width, crop.height, (y, x0, x1) => {
    rgb.set(crop.rgb.subarray((y * crop.width + x0) * 3, (y * crop.width + x1) * 3), k);
    k += (x1 - x0) * 3;
  });
  return { rgb, count };
}

/**
 * How plausible, in [0, 1], one pixel's colour is as the face's own surface: skin chromaticity, or
 * lip chromaticity (redder and less green than skin) when `lips`, times a luma gate that fades out
 * between `DARK_SHARE_NONE` and `DARK_SHARE_FULL` of `referenceLuma` (the skin's median luma,
 * floored) — a dark grey patch or a sunglass lens has nearly neutral, noise-dominated chromaticity
 * that pale skin would otherwise match. Deep shadows are therefore left to the texture cue. A pixel
 * too dark for a chromaticity, or any pixel of a face without a skin model, gets the gate alone.
 */
function colourPlausibility(
  R: number,
  G: number,
  B: number,
  skin: SkinModel | null,
  referenceLuma: number,
  lips: boolean,
): number {
  const sum = R + G + B;
  const gate = smoothstep(
    DARK_SHARE_NONE,
    DARK_SHARE_FULL,
    (0.299 * R + 0.587 * G + 0.114 * B) / referenceLuma,
  );
  if (skin === null || sum < MIN_CHROMA_SUM || gate === 0) return gate;
  const dr = R / sum - skin.r;
  const dg = G / sum - skin.g;
  if (lips && dr >= -skin.sigmaR && dg <= skin.sigmaG && Math.hypot(dr, dg) <= 0.15) return gate;
  // Chromaticity noise grows as the light falls; widen the tolerance accordingly.
  const noise = CHROMA_NOISE / sum;
  const d = Math.hypot(dr / Math.hypot(skin.sigmaR, noise), dg / Math.hypot(skin.sigmaG, noise));
  return gate * (1 - smoothstep(SKIN_SIGMAS_FULL, SKIN_SIGMAS_NONE, d));
}

/** True for a pixel that may be an open mouth's interior or teeth: dark, or bright and neutral. */
function mouthGapLike(R: number, G: number, B: number, skin: SkinModel): boolean {
  const sum = R + G + B;
  const luma = 0.299 * R + 0.587 * G + 0.114 * B;
  if (sum < MIN_CHROMA_SUM || luma < 0.6 * skin.luma) return true;
  return Math.abs(R / sum - 1 / 3) < 0.04 && Math.abs(G / sum - 1 / 3) < 0.04;
}

/** Evidence in [0, 1] that real lips show: they differ from the ring of skin around them. 1 when unknown. */
function mouthStructure(crop: RgbCrop, lips: readonly Point[], ring: readonly Point[]): number {
  const stats = surroundStats(crop, lips, ring);
  if (stats === null || stats.ringLumaMedian <= 0) return 1;
  const contrast = Math.max(
    (stats.ringG - stats.innerG) / LIP_GREEN_DROP,
    (1 - stats.innerLumaP10 / stats.ringLumaMedian) / LIP_DARKENING,
  );
  return clamp01((contrast - LIP_CONTRAST_NONE) / (1 - LIP_CONTRAST_NONE));
}

/** Factor in [`NOSE_STRUCTURE_FLOOR`, 1] from how much darker the nostrils are than their surroundings. 1 when unknown. */
function noseStructure(crop: RgbCrop, nostrils: readonly Point[], ring: readonly Point[]): number {
  const stats = surroundStats(crop, nostrils, ring);
  if (stats === null || stats.ringLumaMedian <= 0) return 1;
  const darkness = 1 - stats.innerLumaP10 / stats.ringLumaMedian;
  const evidence = clamp01((darkness - NOSTRIL_DARK_NONE) / (NOSTRIL_DARK_FULL - NOSTRIL_DARK_NONE));
  return NOSE_STRUCTURE_FLOOR + (1 - NOSE_STRUCTURE_FLOOR) * evidence;
}

/** `v` clamped to [0, 1]. NaN stays NaN: `roundQuality` then drops the face rather than call it visible. */
function clamp01(v: number): number {
  return Math.min(1, Math.max(0, v));
}

/** Median Rec. 601 luma of all reference pixels, dark ones included; 0 when there is none. */
function medianLuma(regions: readonly RgbSamples[]): number {
  const lumas: number[] = [];
  for (const { rgb, count } of regions) {
    for (let i = 0; i < count; i++) {
      lumas.push(0.299 * (rgb[3 * i] ?? 0) + 0.587 * (rgb[3 * i + 1] ?? 0) + 0.114 * (rgb[3 * i + 2] ?? 0));
    }
  }
  lumas.sort((a, b) => a - b);
  return lumas[Math.floor(lumas.length / 2)] ?? 0;
}

/**
 * Occlusion from the trained head's visible shares (`models/occlusion-head.ts`): each part is the
 * head's share, capped by the share of its region inside the photo (a part past the border is not
 * visible, whatever the crop's black padding made the head believe); `total` is the area-weighted
 * mean, as below.
 */
export function occlusionFromHead(input: MeasureInput, learned: PartVisibility): Occlusion {
  const photo = frameOf(input);
  const result: Record<PartName, number> = { left_eye: 0, right_eye: 0, nose: 0, mouth: 0 };
  let weighted = 0;
  let weight = 0;
  // The regions the head was shown and trained on, so the cap and the weights match its answer.
  const regions = headPartRegions(input.landmarks);
  for (const [k, name] of OCCLUSION_HEAD_PARTS.entries()) {
    const { areaPx2, share: inImage } = areaInImage(regions[k] ?? [], photo.widthPx, photo.heightPx);
    const v = clamp01(Math.min(learned[name], inImage));
    result[name] = v;
    weighted += v * areaPx2;
    weight += areaPx2;
  }
  return { ...result, total: weight > 0 ? clamp01(weighted / weight) : 0 };
}

/**
 * Visible fraction in [0, 1] of the subject's eyes, nose and mouth (1 = not occluded) and their
 * area-weighted mean `total`. With `learned` (the occlusion head's answer) see
 * {@link occlusionFromHead}; without, the analytic cues of the module header. What lies outside
 * the image is not visible (see the module header), so all 0 when every region misses the image. A face too dark for a skin model is judged
 * on luma, texture and structure (module header). Throws RangeError when the landmarks are not 68
 * finite points: there are no parts to judge (`assessFace` never passes such a face).
 */
export function measureOcclusion(input: MeasureInput, learned?: PartVisibility): Occlusion {
  if (!landmarksUsable(input.landmarks)) throw new RangeError('occlusion needs 68 finite landmarks');
  if (learned !== undefined) return occlusionFromHead(input, learned);
  const frame = faceFrame(input.landmarks);
  const photo = frameOf(input);
  const parts = partRegions(input.landmarks, frame);
  const reference = skinReferenceRegions(input.landmarks, frame);
  const iod = frame.interOcularPx;
  const outerLips = regionPoints(input.landmarks, 'outerLips');
  const mouthRing = growPolygon(outerLips, MOUTH_RING_IOD * iod);
  const nostrils = growPolygon(convexHull(regionPoints(input.landmarks, 'noseBase')), NOSTRIL_GROW_IOD * iod);
  const noseRing = growPolygon(convexHull(regionPoints(input.landmarks, 'nose')), NOSE_RING_IOD * iod);
  const bounds = polygonsBounds([
    ...parts.map((p) => p.polygon),
    ...reference.map((r) => r.polygon),
    mouthRing,
    noseRing,
  ]);
  const crop =
    bounds === null
      ? null
      : resampleRegion(input.image, bounds, OCCLUSION_CANONICAL_IOD_PX / frame.interOcularPx, input.frame);
  if (crop === null) return NOTHING_IN_IMAGE;
  const origin = { x: crop.originX, y: crop.originY };
  const toCrop = (polygon: readonly Point[]): Point[] => mapPolygon(polygon, origin, crop.scale);
  const referencePixels = reference.map((r) => gatherPixels(crop, toCrop(r.polygon)));
  const skin = fitSkinModel(
    referencePixels,
    reference.map((r) => r.vote),
  );
  const referenceLuma = Math.max(
    skin === null ? medianLuma(referencePixels) : skin.luma,
    TEXTURE_REFERENCE_MIN_LUMA,
  );

  const iodCrop = frame.interOcularPx * crop.scale;
  const contrast = localLumaStd(crop, Math.min(3, Math.max(1, Math.round(0.04 * iodCrop))));
  const textureScale = 1 / referenceLuma;
  const innerMouth = new Uint8Array(crop.width * crop.height);
  forEachPolygonSpan(
    toCrop(regionPoints(input.landmarks, 'innerLips')),
    crop.width,
    crop.height,
    (y, x0, x1) => {
      innerMouth.fill(1, y * crop.width + x0, y * crop.width + x1);
    },
  );

  const structure: Record<PartName, number> = {
    left_eye: 1,
    right_eye: 1,
    nose: noseStructure(crop, toCrop(nostrils), toCrop(noseRing)),
    mouth: mouthStructure(crop, toCrop(outerLips), toCrop(mouthRing)),
  };
  const result: Record<PartName, number> = { left_eye: 0, right_eye: 0, nose: 0, mouth: 0 };
  let weighted = 0;
  let weight = 0;
  for (const part of parts) {
    const lips = part.name === 'mouth';
    let pixels = 0;
    let visible = 0;
    forEachPolygonSpan(toCrop(part.polygon), crop.width, crop.height, (y, x0, x1) => {
      for (let x = x0; x < x1; x++) {
        const i = y * crop.width + x;
        const R = crop.rgb[3 * i] ?? 0;
        const G = crop.rgb[3 * i + 1] ?? 0;
        const B = crop.rgb[3 * i + 2] ?? 0;
        let v = colourPlausibility(R, G, B, skin, referenceLuma, lips);
        if (v < 1) v = Math.max(v, smoothstep(TEXTURE_LOW, TEXTURE_HIGH, (contrast[i] ?? 0) * textureScale));
        // The mouth-gap cue needs "darker than skin": off without a skin model (a black face is all gap).
        if (v < 1 && skin !== null && lips && innerMouth[i] === 1 && mouthGapLike(R, G, B, skin)) v = 1;
        visible += v;
      }
      pixels += x1 - x0;
    });
    const { areaPx2, share: inImage } = areaInImage(part.polygon, photo.widthPx, photo.heightPx);
    const share = pixels === 0 ? 0 : clamp01((visible / pixels) * structure[part.name] * inImage);
    result[part.name] = share;
    weighted += share * areaPx2;
    weight += areaPx2;
  }
  return { ...result, total: weight > 0 ? clamp01(weighted / weight) : 0 };
}
