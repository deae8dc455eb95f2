/** Splits `text` into pieces of at most `size` characters. */
export function splitBySize(text: string, size: number): string[] {
  const pieces: string[] = [];
  const step = Math.max(1, Math.floor(size));
  for (let i = 0; i < text.length; i += step) pieces.push(text.slice(i, i + step));
  return pieces;
}

/** Splits `text` into exactly `count` pieces (fewer only when the text is shorter than `count`). */
export function splitIntoCount(text: string, count: number): string[] {
  const n = Math.max(1, Math.min(Math.floor(count), text.length));
  const pieces: string[] = [];
  for (let i = 0; i < n; i++) {
    pieces.push(
      text.slice(Math.floor((i * text.length) / n), Math.floor(((i + 1) * text.length) / n)),
    );
  }
  return pieces;
}
