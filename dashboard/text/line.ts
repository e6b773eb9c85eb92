// The views' output: lines of styled spans, free of any terminal. The blessed layer turns them into
// tags (or plain text under NO_COLOR); tests read them as text. Every glyph used is one column wide,
// so a string's length is its width on screen.

/** What a span means; the terminal layer decides how that looks (colour, bold, inverse). */
export type Style =
  | 'normal' | 'dim' | 'bold' | 'title' | 'header' | 'sorted'
  | 'selected' | 'warn' | 'crit' | 'ok' | 'accent' | 'limit' | 'input';

export interface Span {
  readonly text: string;
  readonly style?: Style;
}

export type Line = readonly Span[];

export function span(text: string, style?: Style): Span {
  return style === undefined ? { text } : { text, style };
}

export function lineText(line: Line): string {
  let out = '';
  for (const s of line) out += s.text;
  return out;
}

export function lineWidth(line: Line): number {
  let width = 0;
  for (const s of line) width += s.text.length;
  return width;
}

/** Cuts `text` to `width`, marking the cut with an ellipsis so a reader knows it is not whole. */
export function ellipsize(text: string, width: number): string {
  if (width <= 0) return '';
  if (text.length <= width) return text;
  return width === 1 ? '…' : `${text.slice(0, width - 1)}…`;
}

export function padRight(text: string, width: number): string {
  return text.length >= width ? text.slice(0, width) : text + ' '.repeat(width - text.length);
}

export function padLeft(text: string, width: number): string {
  return text.length >= width ? text.slice(text.length - width) : ' '.repeat(width - text.length) + text;
}

/** Exactly `width` columns: longer lines are cut (with an ellipsis), shorter ones padded. */
export function fitLine(line: Line, width: number, fill?: Style): Span[] {
  const out: Span[] = [];
  let used = 0;
  const total = lineWidth(line);
  for (const s of line) {
    if (used >= width) break;
    const room = width - used;
    if (s.text.length < room || (s.text.length === room && total <= width)) {
      out.push(s);
      used += s.text.length;
    } else {
      // This span reaches the edge and more was to come: end it with the ellipsis.
      out.push({ ...s, text: room === 1 ? '…' : `${s.text.slice(0, room - 1)}…` });
      used = width;
    }
  }
  if (used < width) out.push(span(' '.repeat(width - used), fill));
  return out;
}

/** Applies `style` to every span that has none (e.g. the selected row's inverse). */
export function restyle(line: Line, style: Style, override = false): Span[] {
  return line.map((s) => (override || s.style === undefined || s.style === 'normal' ? { ...s, style } : s));
}

/**
 * Joins parts left to right with a separator, dropping whole parts from the end that do not fit,
 * so a status line degrades by items rather than mid-word.
 */
export function joinFitting(parts: readonly Line[], width: number, separator = '  '): Span[] {
  const out: Span[] = [];
  let used = 0;
  for (const part of parts) {
    const w = lineWidth(part) + (out.length > 0 ? separator.length : 0);
    if (used + w > width) continue;
    if (out.length > 0) out.push(span(separator));
    out.push(...part);
    used += w;
  }
  return out;
}
