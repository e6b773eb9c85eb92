// The page's entry: a hash router over four views (containers, one container, cgroup tree, billing).
// Each view returns a cleanup that closes its event stream, so only the visible view costs serve anything.

import 'uplot/dist/uPlot.min.css';
import './style.css';
import { loadUiConfig, type UiConfig } from './api.js';
import { setStatus } from './dom.js';
import { showTable } from './table-page.js';
import { showContainer } from './container-page.js';
import { showTree } from './tree-page.js';
import { showBilling } from './billing-page.js';

export type Cleanup = () => void;

let cleanup: Cleanup | undefined;
let config: UiConfig = { limitsApi: false, billing: false };

function route(): void {
  cleanup?.();
  cleanup = undefined;
  const main = document.getElementById('main')!;
  main.replaceChildren();
  setStatus('');
  const hash = location.hash.replace(/^#/, '') || '/';
  const view = hash.startsWith('/c/') ? 'container' : hash === '/tree' ? 'tree' : hash.startsWith('/billing') ? 'billing' : 'table';
  for (const link of document.querySelectorAll<HTMLAnchorElement>('[data-nav]')) {
    link.classList.toggle('active', link.dataset.nav === view);
  }
  switch (view) {
    case 'container': cleanup = showContainer(main, decodeURIComponent(hash.slice(3)), config); break;
    case 'tree': cleanup = showTree(main); break;
    case 'billing': cleanup = showBilling(main, config); break;
    default: cleanup = showTable(main);
  }
}

async function start(): Promise<void> {
  try {
    config = await loadUiConfig();
  } catch (err) {
    // The tables still work; limits stay read-only and billing says why it is missing.
    setStatus(`could not read api/v1/ui-config: ${(err as Error).message}`, 'error');
  }
  document.body.dataset.limitsApi = String(config.limitsApi);
  window.addEventListener('hashchange', route);
  route();
}

void start();
