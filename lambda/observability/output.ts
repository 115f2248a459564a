/**
 * Powertools writes its log and EMF lines to `process.stdout`/`process.stderr`, as Lambda expects.
 * Tests and scripts that run the handler in-process use {@link redirectJsonLines} to take those
 * lines (to assert on them, to silence them, or to move them off stdout) while everything else the
 * process prints still goes through.
 */

/** Receives one JSON line (without its newline) and the stream it was written to. */
export type JsonLineSink = (line: string, stream: 'stdout' | 'stderr') => void;

type Write = typeof process.stdout.write;

/**
 * Until the returned function is called, every complete line written to stdout or stderr that is
 * a JSON object goes to `sink` instead; other output passes through unchanged.
 *
 * @returns a function that restores both streams (a partial last line passes through then).
 */
export function redirectJsonLines(sink: JsonLineSink): () => void {
  const restores = (['stdout', 'stderr'] as const).map((name) => {
    const stream = process[name];
    const original: Write = stream.write;
    let pending = '';
    const passThrough = (text: string): void => {
      if (text !== '') original.call(stream, text);
    };
    const patched = ((chunk: unknown, encodingOrCallback?: unknown, callback?: unknown): boolean => {
      const text =
        typeof chunk === 'string'
          ? chunk
          : Buffer.from(chunk as Uint8Array).toString(
              typeof encodingOrCallback === 'string' ? (encodingOrCallback as BufferEncoding) : 'utf8',
            );
      pending += text;
      let newline = pending.indexOf('\n');
      while (newline >= 0) {
        const line = pending.slice(0, newline);
        pending = pending.slice(newline + 1);
        if (line.startsWith('{') && isJsonObject(line)) sink(line, name);
        else passThrough(`${line}\n`);
        newline = pending.indexOf('\n');
      }
      const done = typeof encodingOrCallback === 'function' ? encodingOrCallback : callback;
      if (typeof done === 'function') process.nextTick(done as () => void);
      return true;
    }) as Write;
    stream.write = patched;
    return () => {
      stream.write = original;
      passThrough(pending);
    };
  });
  return () => {
    for (const restore of restores) restore();
  };
}

function isJsonObject(line: string): boolean {
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}
