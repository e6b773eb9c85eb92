// A container's limits: always shown (read-only from the Snapshot); with the limits API on, a form that
// sends the CLI's vocabulary to PUT /api/v1/containers/:id/limits (and POST …/freeze, …/thaw). Every
// change is first sent as a dry run, the planned writes are shown in a confirmation dialog, and only a
// confirmed change is applied. The token lives in sessionStorage (this tab only, gone when it closes).

import * as fmt from '../../dashboard/text/format.js';
import { errorText, type Snapshot } from './api.js';
import { h } from './dom.js';

const TOKEN_KEY = 'cgmeter.apiToken';

interface PlannedWrite { readonly knob: string; readonly file: string; readonly old: string; readonly new: string; readonly effective?: string; readonly outcome?: string }
interface LimitAnswer { readonly ok?: boolean; readonly writes?: readonly PlannedWrite[]; readonly warnings?: readonly string[]; readonly error?: string }

type Action = 'limits' | 'freeze' | 'thaw';

/** Form fields: the vocabulary's keys. "max" means "no limit" (the vocabulary's unset). */
const FIELDS = [
  { key: 'memory', label: 'memory limit', hint: '512M, 2G or max' },
  { key: 'memory-high', label: 'memory high', hint: '400M or max' },
  { key: 'cpus', label: 'CPUs', hint: '0.5, 2 or max' },
  { key: 'pids', label: 'pids max', hint: '200 or max' },
] as const;

function limitRows(s: Snapshot): Array<[string, string]> {
  const c = s.sample.cpu;
  const m = s.sample.memory;
  return [
    ['memory limit', fmt.shortBytes(m.limitBytes)], ['memory high', fmt.shortBytes(m.highBytes)],
    ['CPU quota', c.quotaUs === Infinity ? 'max' : `${fmt.cores(s.cpu.limitCores)} cores`],
    ['CPU period', c.periodUs === undefined ? fmt.UNKNOWN : `${c.periodUs} µs`],
    ['CPU weight', c.weight === undefined ? fmt.UNKNOWN : String(c.weight)],
    ['pids max', fmt.shortCount(s.sample.pids.max)], ['cpuset', s.sample.cpusetCpus ?? fmt.UNKNOWN],
  ];
}

export class LimitsPanel {
  readonly element: HTMLElement;
  private readonly current = h('dl', { class: 'limits', id: 'limits-current' });
  private readonly result = h('p', { class: 'result', id: 'limit-result', role: 'status' });
  private readonly dialog = h('dialog', { id: 'confirm-dialog' });
  private readonly inputs = new Map<string, HTMLInputElement>();
  private readonly token = h('input', { type: 'password', id: 'api-token', autocomplete: 'off', placeholder: 'bearer token of --api-token-file', 'aria-label': 'API token' });
  private busy = false;

  constructor(private readonly key: string, editable: boolean) {
    this.element = h('section', { class: 'limits-panel' }, h('h2', {}, 'Limits'), this.current);
    if (!editable) {
      this.element.append(h('p', { class: 'hint', id: 'limits-readonly' }, 'Read-only: serve runs without --enable-limits-api.'));
      return;
    }
    this.token.value = sessionStorage.getItem(TOKEN_KEY) ?? '';
    this.token.addEventListener('input', () => sessionStorage.setItem(TOKEN_KEY, this.token.value.trim()));
    const form = h('form', { id: 'limits-form', onsubmit: (ev: Event) => { ev.preventDefault(); void this.change('limits'); } },
      ...FIELDS.map((f) => {
        const input = h('input', { name: f.key, id: `limit-${f.key}`, placeholder: f.hint, autocomplete: 'off' });
        this.inputs.set(f.key, input);
        return h('label', {}, h('span', {}, f.label), input);
      }),
      h('label', {}, h('span', {}, 'API token'), this.token),
      h('div', { class: 'buttons' },
        h('button', { type: 'submit', id: 'limit-apply' }, 'Review and apply…'),
        h('button', { type: 'button', id: 'freeze', onclick: () => void this.change('freeze') }, 'Freeze…'),
        h('button', { type: 'button', id: 'thaw', onclick: () => void this.change('thaw') }, 'Thaw…')),
    );
    this.element.append(form, this.result, this.dialog);
  }

  update(s: Snapshot): void {
    this.current.replaceChildren(...limitRows(s).flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
  }

  private body(): Record<string, unknown> {
    const body: Record<string, unknown> = {};
    const unset: string[] = [];
    for (const [key, input] of this.inputs) {
      const value = input.value.trim();
      if (value === '') continue;
      if (value.toLowerCase() === 'max') unset.push(key);
      else body[key] = value;
    }
    if (unset.length > 0) body.unset = unset;
    return body;
  }

  private async send(action: Action, body: Record<string, unknown>): Promise<{ status: number; answer: LimitAnswer }> {
    const url = `api/v1/containers/${encodeURIComponent(this.key)}/${action}`;
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
    const token = this.token.value.trim();
    // X-Cgmeter-Token, not Authorization: the browser keeps that for serve's basic auth.
    if (token !== '') headers['x-cgmeter-token'] = token;
    const response = await fetch(url, { method: action === 'limits' ? 'PUT' : 'POST', headers, body: JSON.stringify(body) });
    const text = await response.text();
    let answer: LimitAnswer;
    try {
      answer = JSON.parse(text) as LimitAnswer;
    } catch {
      answer = { error: errorText(text, response.status) };
    }
    return { status: response.status, answer };
  }

  private show(outcome: 'ok' | 'refused' | 'cancelled' | 'busy', text: string): void {
    this.result.dataset.outcome = outcome;
    this.result.className = `result ${outcome}`;
    this.result.textContent = text;
  }

  /** Dry run → confirmation with the planned writes → the real change → its result. */
  private async change(action: Action): Promise<void> {
    if (this.busy) return;
    const body = action === 'limits' ? this.body() : {};
    if (action === 'limits' && Object.keys(body).length === 0) {
      this.show('refused', 'Nothing to change: fill in at least one field.');
      return;
    }
    this.busy = true;
    try {
      this.show('busy', 'Checking…');
      const plan = await this.send(action, { ...body, 'dry-run': true });
      if (plan.status !== 200) {
        this.show('refused', `Refused (HTTP ${plan.status}): ${plan.answer.error ?? 'no reason given'}`);
        return;
      }
      if (!(await this.confirm(action, plan.answer))) {
        this.show('cancelled', 'Cancelled: nothing was changed.');
        return;
      }
      const done = await this.send(action, body);
      const writes = (done.answer.writes ?? []).map((w) => `${w.file} = ${w.effective ?? w.new} (${w.outcome ?? ''})`).join('; ');
      if (done.status === 200 && done.answer.ok) this.show('ok', `Applied: ${writes || 'nothing to write'}`);
      else this.show('refused', `Failed (HTTP ${done.status}): ${done.answer.error ?? 'no reason given'}${writes ? ` — ${writes}` : ''}`);
    } catch (err) {
      this.show('refused', `Request failed: ${(err as Error).message}`);
    } finally {
      this.busy = false;
    }
  }

  private confirm(action: Action, plan: LimitAnswer): Promise<boolean> {
    const verb = action === 'limits' ? 'Change limits of' : action === 'freeze' ? 'Freeze' : 'Thaw';
    const writes = plan.writes ?? [];
    return new Promise((resolve) => {
      const finish = (yes: boolean) => {
        this.dialog.close();
        resolve(yes);
      };
      this.dialog.replaceChildren(h('form', { method: 'dialog' },
        h('h3', {}, `${verb} ${this.key}?`),
        writes.length === 0 ? h('p', {}, 'No file needs to change.') : h('table', { class: 'plan' },
          h('thead', {}, h('tr', {}, h('th', {}, 'file'), h('th', {}, 'now'), h('th', {}, 'new'))),
          h('tbody', {}, ...writes.map((w) => h('tr', {}, h('td', {}, w.file), h('td', {}, w.old), h('td', {}, w.new))))),
        ...(plan.warnings ?? []).map((w) => h('p', { class: 'warning' }, w)),
        h('div', { class: 'buttons' },
          h('button', { type: 'button', id: 'confirm-no', onclick: () => finish(false) }, 'Cancel'),
          h('button', { type: 'button', id: 'confirm-yes', class: 'danger', onclick: () => finish(true) }, 'Apply'))));
      this.dialog.addEventListener('cancel', () => resolve(false), { once: true }); // Esc
      this.dialog.showModal();
    });
  }
}
