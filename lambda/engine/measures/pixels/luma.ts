/** Luminance and chromaticity of 8-bit sRGB pixels. */

/** Rec. 601 luma weights (the JPEG / YCbCr convention), on gamma-encoded 8-bit values. */
export const LUMA_R = 0.299;
export const LUMA_G = 0.587;
export const LUMA_B = 0.114;

/** Rec. 601 luma in [0, 255] of one gamma-encoded RGB triple. */
export function luma601(r: number, g: number, b: number): number {
  return LUMA_R * r + LUMA_G * g + LUMA_B * b;
}
