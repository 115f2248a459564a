/** Luma of 8-bit gamma-encoded RGB pixels. */

/** Rec. 601 luma weights (the JPEG / YCbCr convention), on gamma-encoded 8-bit values. */
export const LUMA_R = 0.299;
export const LUMA_G = 0.587;
export const LUMA_B = 0.114;
