/**
 * `face-quality check`: batch quality check of plain image files (no encryption), one JSON line per
 * image in the API's response shape, through the same intake, engine and error table as the API.
 */
import type { Dirent } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { FaceQuality } from '../engine/types.js';
import { FaceQualityError } from '../errors.js';
import { mapError } from '../http/error-responder.js';
import { SUCCESS_CODE } from '../http/error-table.js';
import { assessPhoto, type QualityPipeline } from '../http/quality.js';

/** Extensions picked up when walking a folder (an explicitly named file is always checked). */
export const IMAGE_EXTENSIONS: ReadonlySet<string> = new Set([
  '.jpg',
  '.jpeg',
  '.png',
  '.webp',
  '.gif',
  '.tif',
  '.tiff',
  '.bmp',
]);

/** One output line: the API's answer for one file, `request_id` replaced by the file name. */
export type CheckLine =
  | { readonly file: string; readonly code: typeof SUCCESS_CODE; readonly faces: readonly FaceQuality[] }
  | { readonly file: string; readonly code: number; readonly message: string };

/** An input path that could not be read as a file or folder. */
export interface MissingPath {
  readonly file: string;
  readonly error: FaceQualityError;
}

/**
 * Expands `paths` into the files to check: files as given, folders walked recursively for
 * {@link IMAGE_EXTENSIONS}, sorted by path within each folder. Paths that do not exist come back
 * as NOT_FOUND entries, in order.
 */
export async function listImageFiles(paths: readonly string[]): Promise<(string | MissingPath)[]> {
  const out: (string | MissingPath)[] = [];
  for (const path of paths) {
    let isDirectory: boolean;
    try {
      isDirectory = (await stat(path)).isDirectory();
    } catch {
      out.push({ file: path, error: new FaceQualityError('NOT_FOUND', 'No such file or folder') });
      continue;
    }
    if (isDirectory) out.push(...(await walk(path)));
    else out.push(path);
  }
  return out;
}

async function walk(dir: string): Promise<string[]> {
  const entries: Dirent[] = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const files: string[] = [];
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await walk(path)));
    else if (entry.isFile() && IMAGE_EXTENSIONS.has(extname(entry.name).toLowerCase())) files.push(path);
  }
  return files;
}

/**
 * Checks one image file: decode, analyze, 4000 when no face.
 *
 * @returns the success line, or the error line with the API's code and message (for an
 *   unexpected error, its name and message: this runs on the user's own machine).
 */
export async function checkFile(
  file: string,
  pipeline: QualityPipeline,
  readBytes: (path: string) => Promise<Uint8Array> = readFile,
): Promise<CheckLine> {
  try {
    const faces = await assessPhoto(await readBytes(file), pipeline);
    return { file, code: SUCCESS_CODE, faces };
  } catch (e) {
    return errorLine(file, e);
  }
}

/** The error line for `file`. */
export function errorLine(file: string, error: unknown): CheckLine {
  const mapped = mapError(error);
  if (mapped.kind !== 'INTERNAL') return { file, code: mapped.code, message: mapped.message };
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return { file, code: mapped.code, message: detail };
}
