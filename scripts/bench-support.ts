/** Shared by the benchmark scripts: the test photo they time and how they summarise samples. */
import { parseArgs } from 'node:util';
import sharp from 'sharp';

/** Median of `xs` (0 for none). */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

/** The `p`-th percentile (0-100) of `xs`, nearest rank (0 for none). */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? 0;
}

/**
 * A JPEG (quality 90) of about `megapixels` MP, 4:3: the public-domain astronaut fixture upscaled to
 * the full height and centred on a grey canvas, like a phone portrait.
 */
export async function syntheticPhoto(megapixels: number): Promise<Buffer> {
  const width = Math.round(Math.sqrt((megapixels * 1e6 * 4) / 3));
  const height = Math.round((width * 3) / 4);
  const face = await sharp('test/fixtures/astronaut.png').resize({ height, width: height }).toBuffer();
  return sharp({ create: { width, height, channels: 3, background: { r: 120, g: 130, b: 140 } } })
    .composite([{ input: face, left: Math.round((width - height) / 2), top: 0 }])
    .jpeg({ quality: 90 })
    .toBuffer();
}

/** The options both benchmarks take: `--runs N` (default 7), `--megapixels M` (default 12), `--image FILE`. */
export function benchOptions(): { runs: number; megapixels: number; image: string | undefined } {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '7' },
      megapixels: { type: 'string', default: '12' },
      image: { type: 'string' },
    },
  });
  return {
    runs: Math.max(1, Number(values.runs)),
    megapixels: Number(values.megapixels),
    image: values.image,
  };
}
