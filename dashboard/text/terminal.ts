// Styled lines → what a terminal shows. With colour, styles become blessed tags; under NO_COLOR
// (https://no-color.org) no colour at all, and the meanings that colour carried fall back to
// attributes a monochrome terminal has: bold for critical, underline for a warning, inverse for
// the selected row.

import type { Line, Style } from './line.js';

const COLOUR_TAGS: Record<Style, string> = {
  normal: '',
  dim: '{light-black-fg}',
  bold: '{bold}',
  title: '{bold}{cyan-fg}',
  header: '{bold}{black-fg}{cyan-bg}',
  sorted: '{bold}{black-fg}{white-bg}',
  selected: '{inverse}',
  warn: '{yellow-fg}',
  crit: '{bold}{red-fg}',
  ok: '{green-fg}',
  accent: '{cyan-fg}',
  limit: '{red-fg}',
  input: '{bold}',
};

const MONO_TAGS: Record<Style, string> = {
  normal: '',
  dim: '',
  bold: '{bold}',
  title: '{bold}',
  header: '{bold}',
  sorted: '{bold}{underline}',
  selected: '{inverse}',
  warn: '{underline}',
  crit: '{bold}',
  ok: '',
  accent: '',
  limit: '',
  input: '{bold}',
};

/** NO_COLOR counts when set to anything but the empty string, as the convention says. */
export function colourWanted(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.NO_COLOR === undefined || env.NO_COLOR === '';
}

/** blessed reads `{…}` as tags: literal braces in data (names, labels) must be escaped. */
export function escapeTags(text: string): string {
  return text.replace(/[{}]/g, (c) => (c === '{' ? '{open}' : '{close}'));
}

export function toTags(line: Line, colour: boolean): string {
  const table = colour ? COLOUR_TAGS : MONO_TAGS;
  let out = '';
  for (const s of line) {
    const open = s.style === undefined ? '' : table[s.style];
    out += open === '' ? escapeTags(s.text) : `${open}${escapeTags(s.text)}{/}`;
  }
  return out;
}

export function toPlain(line: Line): string {
  let out = '';
  for (const s of line) out += s.text;
  return out;
}
