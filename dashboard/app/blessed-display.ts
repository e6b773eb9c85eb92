// The Display on a real terminal through blessed: one full-screen box whose content is the
// rendered lines as tags. blessed diffs its screen buffer, so a frame writes only what changed.

import blessed from 'blessed';
import type { Line } from '../text/line.js';
import { toTags } from '../text/terminal.js';
import { normaliseKey, type Display } from './display.js';
import type { KeyPress } from '../model/keys.js';

export interface BlessedDisplayOptions {
  readonly colour: boolean;
}

export function createBlessedDisplay(options: BlessedDisplayOptions): Display {
  const screen = blessed.screen({
    smartCSR: true,
    fullUnicode: true,
    autoPadding: false,
    warnings: false,
    title: 'cgmeter top',
  });
  const box = blessed.box({ parent: screen, top: 0, left: 0, width: '100%', height: '100%', tags: true, wrap: false });
  // blessed draws box-drawing glyphs through the terminal's ACS charset when it has one, so a
  // screen capture (tmux capture-pane, the README's) shows `tqq` for `├──`; UTF-8 text is exact.
  const tput = (screen.program as unknown as { tput: { unicode: boolean; brokenACS: boolean } }).tput;
  if (tput.unicode) tput.brokenACS = true;
  screen.program.hideCursor();
  let destroyed = false;
  return {
    size: () => ({ width: Number(screen.width), height: Number(screen.height) }),
    draw(lines: readonly Line[]) {
      if (destroyed) return;
      box.setContent(lines.map((l) => toTags(l, options.colour)).join('\n'));
      screen.render();
    },
    onKey(handler: (key: KeyPress) => void) {
      screen.on('keypress', (ch: string | undefined, key: { name?: string; full?: string; ctrl?: boolean; meta?: boolean } | undefined) => {
        const k = normaliseKey(ch, key);
        if (k !== undefined) handler(k);
      });
    },
    onResize(handler: () => void) {
      screen.on('resize', handler);
    },
    destroy() {
      if (destroyed) return;
      destroyed = true;
      screen.destroy();
    },
  };
}
