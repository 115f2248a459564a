/**
 * The page served at `/` by the local server: pick, drop or shoot a photo, encrypt it in the
 * browser (client.ts), post it, and show each face's box on the photo and every field with its
 * value and a plain-language hint (fields.ts).
 */
import { ApiUnreachableError, createClient, type FaceQuality, type QualityAnswer } from './client.js';
import { FACE_FIELDS, fieldValue, formatValue, rangePosition } from './fields.js';

/** The API's default `MAX_IMAGE_BYTES`: larger photos are re-encoded before they are sent. */
const MAX_IMAGE_BYTES = 4 * 1024 * 1024;
/** Longest side of a re-encoded photo (12 MP phones shoot 4000×3000). */
const REENCODE_MAX_SIDE_PX = 4000;
const SVG_NS = 'http://www.w3.org/2000/svg';
const STORAGE = { apiUrl: 'face-quality.apiUrl', apiKey: 'face-quality.apiKey' } as const;

/** What to tell a person about an error code (the message itself comes from the API). */
const ERROR_ADVICE: Readonly<Record<number, string>> = {
  1200: 'The API could not read the encrypted photo: check the API URL (the key must come from the same API).',
  2003: 'The photo is too small or too large in pixels.',
  2004: 'The photo file is too large (or empty).',
  2005: 'This file is not a photo the API can read (JPEG, PNG, WebP, GIF, TIFF or BMP).',
  4000: 'No face was found: use a photo where a face is clearly visible.',
  403: 'The API requires an API key: enter it in the API settings.',
  429: 'Too many requests: wait a moment and try again.',
  500: 'The API had a problem on its side; try again later.',
};

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (found === null) throw new Error(`the page has no #${id}`);
  return found as T;
}

const ui = {
  apiUrl: element<HTMLInputElement>('api-url'),
  apiKey: element<HTMLInputElement>('api-key'),
  pageOrigin: element<HTMLElement>('page-origin'),
  dropZone: element<HTMLDivElement>('drop-zone'),
  file: element<HTMLInputElement>('file'),
  cameraStart: element<HTMLButtonElement>('camera-start'),
  camera: element<HTMLDivElement>('camera'),
  video: element<HTMLVideoElement>('video'),
  cameraShoot: element<HTMLButtonElement>('camera-shoot'),
  cameraStop: element<HTMLButtonElement>('camera-stop'),
  status: element<HTMLParagraphElement>('status'),
  result: element<HTMLElement>('result'),
  image: element<HTMLImageElement>('image'),
  boxes: document.getElementById('boxes') as unknown as SVGSVGElement,
  faces: element<HTMLDivElement>('faces'),
  raw: element<HTMLPreElement>('raw'),
};

function setStatus(text: string, isError = false): void {
  ui.status.textContent = text;
  ui.status.classList.toggle('error', isError);
}

/** Settings: the `?api=` query parameter, else what was saved, else this page's own server. */
function loadSettings(): void {
  const fromQuery = new URLSearchParams(location.search).get('api');
  ui.apiUrl.value = fromQuery ?? localStorage.getItem(STORAGE.apiUrl) ?? '';
  ui.apiKey.value = sessionStorage.getItem(STORAGE.apiKey) ?? '';
  ui.pageOrigin.textContent = location.origin;
  element<HTMLFormElement>('settings-form').addEventListener('submit', (event) => event.preventDefault());
  ui.apiUrl.addEventListener('change', () => localStorage.setItem(STORAGE.apiUrl, ui.apiUrl.value.trim()));
  // The key is a credential: kept for this tab only.
  ui.apiKey.addEventListener('change', () => sessionStorage.setItem(STORAGE.apiKey, ui.apiKey.value.trim()));
}

function canvasBlob(canvas: HTMLCanvasElement, quality: number): Promise<Blob> {
  return new Promise((resolve, reject) =>
    canvas.toBlob(
      (blob) => (blob ? resolve(blob) : reject(new Error('could not encode the photo'))),
      'image/jpeg',
      quality,
    ),
  );
}

/**
 * The photo to send: the file itself, or, when it is over the API's size limit, a JPEG re-encoded
 * at most {@link REENCODE_MAX_SIDE_PX} px wide (orientation applied), as the README advises phones to do.
 */
async function preparePhoto(file: Blob): Promise<{ blob: Blob; note: string }> {
  if (file.size <= MAX_IMAGE_BYTES) return { blob: file, note: '' };
  const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  const scale = Math.min(1, REENCODE_MAX_SIDE_PX / Math.max(bitmap.width, bitmap.height));
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(bitmap.width * scale);
  canvas.height = Math.round(bitmap.height * scale);
  canvas.getContext('2d')?.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  for (const quality of [0.92, 0.85, 0.75, 0.6]) {
    const blob = await canvasBlob(canvas, quality);
    if (blob.size <= MAX_IMAGE_BYTES) {
      const mb = (bytes: number) => (bytes / 1e6).toFixed(1);
      return {
        blob,
        note: `The photo was ${mb(file.size)} MB; it was re-encoded to a ${canvas.width}×${canvas.height} JPEG of ${mb(blob.size)} MB before sending (the API accepts at most 4 MiB).`,
      };
    }
  }
  throw new Error('the photo is too large even after re-encoding');
}

function svg<K extends keyof SVGElementTagNameMap>(
  name: K,
  attributes: Record<string, string | number>,
): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG_NS, name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, String(value));
  return node;
}

/** One box per face over the photo, in the photo's own pixels (the answer's coordinates). */
function drawBoxes(faces: readonly FaceQuality[], widthPx: number, heightPx: number): void {
  ui.boxes.replaceChildren();
  ui.boxes.setAttribute('viewBox', `0 0 ${widthPx} ${heightPx}`);
  const fontPx = Math.max(14, Math.round(Math.max(widthPx, heightPx) / 30));
  faces.forEach((face, i) => {
    const { left, top, right, bottom } = face.rect;
    const box = svg('rect', {
      class: 'face-box',
      'data-face': i + 1,
      x: left,
      y: top,
      width: right - left,
      height: bottom - top,
    });
    const title = svg('title', {});
    title.textContent = `Face ${i + 1}`;
    box.append(title);
    const label = svg('text', {
      class: 'face-label',
      x: left + 2,
      y: Math.max(fontPx, top - 4),
      'font-size': fontPx,
    });
    label.textContent = String(i + 1);
    ui.boxes.append(box, label);
  });
}

/** A card per face with every field, its value, a bar for its range and a hint. */
function renderFaces(faces: readonly FaceQuality[]): void {
  ui.faces.replaceChildren(
    ...faces.map((face, i) => {
      const card = document.createElement('article');
      card.className = 'face';
      card.dataset.face = String(i + 1);
      const heading = document.createElement('h2');
      heading.textContent = `Face ${i + 1}`;
      const table = document.createElement('table');
      for (const field of FACE_FIELDS) {
        const value = fieldValue(face, field.path);
        const row = table.insertRow();
        row.dataset.field = field.path;
        const name = document.createElement('th');
        name.scope = 'row';
        const code = document.createElement('code');
        code.textContent = field.path;
        name.append(code);
        const cell = row.insertCell();
        cell.className = 'value';
        cell.textContent = formatValue(value, field.unit);
        const position = rangePosition(value, field.range);
        if (position !== undefined && field.range !== undefined) {
          const meter = document.createElement('span');
          meter.className = 'meter';
          meter.title = `range ${field.range[0]} to ${field.range[1]}`;
          const mark = document.createElement('span');
          mark.style.left = `${(position * 100).toFixed(1)}%`;
          meter.append(mark);
          cell.append(meter);
        }
        const hint = row.insertCell();
        hint.className = 'hint';
        hint.textContent = field.hint;
        row.prepend(name);
      }
      card.append(heading, table);
      return card;
    }),
  );
}

let shownUrl: string | undefined;

/** Shows `blob` as the checked photo and resolves once its size is known. */
function showPhoto(blob: Blob): Promise<{ widthPx: number; heightPx: number }> {
  if (shownUrl !== undefined) URL.revokeObjectURL(shownUrl);
  shownUrl = URL.createObjectURL(blob);
  return new Promise((resolve, reject) => {
    ui.image.onload = () => resolve({ widthPx: ui.image.naturalWidth, heightPx: ui.image.naturalHeight });
    ui.image.onerror = () => reject(new Error('this browser cannot display the photo'));
    ui.image.src = shownUrl ?? '';
  });
}

function showAnswer(answer: QualityAnswer, elapsedMs: number): void {
  ui.raw.textContent = JSON.stringify(answer.body, null, 2);
  if (answer.ok) {
    const { faces } = answer.body;
    setStatus(
      `${faces.length} face${faces.length === 1 ? '' : 's'} found in ${(elapsedMs / 1000).toFixed(1)} s.`,
    );
    renderFaces(faces);
    return;
  }
  const { code, message, request_id: requestId } = answer.body;
  const advice = ERROR_ADVICE[code] ?? '';
  setStatus(`Error ${code}: ${message}. ${advice} (request ${requestId})`, true);
  renderFaces([]);
}

let running = false;

async function check(file: Blob): Promise<void> {
  if (running) return;
  running = true;
  try {
    setStatus('Preparing the photo…');
    const { blob, note } = await preparePhoto(file);
    const { widthPx, heightPx } = await showPhoto(blob);
    ui.result.hidden = false;
    ui.boxes.replaceChildren();
    ui.faces.replaceChildren();
    ui.raw.textContent = '';
    setStatus(`${note} Encrypting and checking…`.trim());
    const client = createClient({ apiUrl: ui.apiUrl.value.trim(), apiKey: ui.apiKey.value.trim() });
    const startedMs = performance.now();
    const answer = await client.check(new Uint8Array(await blob.arrayBuffer()));
    showAnswer(answer, performance.now() - startedMs);
    if (answer.ok) drawBoxes(answer.body.faces, widthPx, heightPx);
    if (note !== '') ui.status.textContent = `${ui.status.textContent} ${note}`;
  } catch (e) {
    const reason = e instanceof ApiUnreachableError || e instanceof Error ? e.message : String(e);
    setStatus(`Could not check the photo: ${reason}`, true);
  } finally {
    running = false;
  }
}

function wireFileInputs(): void {
  ui.file.addEventListener('change', () => {
    const [file] = ui.file.files ?? [];
    if (file !== undefined) void check(file);
    ui.file.value = '';
  });
  ui.dropZone.addEventListener('dragover', (event) => {
    event.preventDefault();
    ui.dropZone.classList.add('dragging');
  });
  ui.dropZone.addEventListener('dragleave', () => ui.dropZone.classList.remove('dragging'));
  ui.dropZone.addEventListener('drop', (event) => {
    event.preventDefault();
    ui.dropZone.classList.remove('dragging');
    const file = event.dataTransfer?.files[0];
    if (file !== undefined) void check(file);
  });
}

let stream: MediaStream | undefined;

function stopCamera(): void {
  for (const track of stream?.getTracks() ?? []) track.stop();
  stream = undefined;
  ui.camera.hidden = true;
}

function wireCamera(): void {
  if (navigator.mediaDevices?.getUserMedia === undefined) {
    ui.cameraStart.disabled = true;
    ui.cameraStart.title = 'No camera access on this page (it needs https or localhost)';
    return;
  }
  ui.cameraStart.addEventListener('click', async () => {
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'user' }, audio: false });
      ui.video.srcObject = stream;
      ui.camera.hidden = false;
    } catch (e) {
      setStatus(`The camera is not available: ${e instanceof Error ? e.message : String(e)}`, true);
    }
  });
  ui.cameraShoot.addEventListener('click', async () => {
    const canvas = document.createElement('canvas');
    canvas.width = ui.video.videoWidth;
    canvas.height = ui.video.videoHeight;
    canvas.getContext('2d')?.drawImage(ui.video, 0, 0);
    stopCamera();
    await check(await canvasBlob(canvas, 0.92));
  });
  ui.cameraStop.addEventListener('click', stopCamera);
}

loadSettings();
wireFileInputs();
wireCamera();
if (!window.isSecureContext) {
  setStatus(
    'This page needs a secure context (https, or http on localhost) for in-browser encryption.',
    true,
  );
}
