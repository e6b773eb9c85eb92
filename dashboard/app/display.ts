// The terminal, reduced to what the dashboard needs: its size, painting whole screens of lines,
// keys and resizes, and giving the terminal back. blessed implements it (blessed-display.ts);
// tests can implement it with an array.

import type { KeyPress } from '../model/keys.js';
import type { Line } from '../text/line.js';
import type { Size } from '../views/view-model.js';

export interface Display {
  size(): Size;
  draw(lines: readonly Line[]): void;
  onKey(handler: (key: KeyPress) => void): void;
  onResize(handler: () => void): void;
  /** Restores the terminal (normal screen, cursor, cooked mode). Safe to call twice. */
  destroy(): void;
}

interface RawKey {
  readonly name?: string;
  readonly full?: string;
  readonly ctrl?: boolean;
  readonly meta?: boolean;
}

const NAMED = new Set(['enter', 'escape', 'backspace', 'up', 'down', 'left', 'right', 'pageup', 'pagedown', 'home', 'end', 'space', 'tab', 'delete']);

/** blessed's (ch, key) → our key names; undefined for what no binding uses. */
export function normaliseKey(ch: string | undefined, key: RawKey | undefined): KeyPress | undefined {
  // blessed reports a carriage return twice, as `enter` and as `return`: keep one.
  if (key?.name === 'return') return undefined;
  if (key?.full === 'C-c') return { name: 'C-c' };
  if (key?.name === 'linefeed') return { name: 'enter' };
  if (key?.name === 'delete') return { name: 'backspace' };
  if (key?.name !== undefined && NAMED.has(key.name) && !key.ctrl && !key.meta) return { name: key.name };
  if (ch !== undefined && ch.length === 1 && ch >= ' ' && ch !== '\x7f' && !key?.ctrl) return { name: ch === ' ' ? 'space' : ch };
  return undefined;
}
