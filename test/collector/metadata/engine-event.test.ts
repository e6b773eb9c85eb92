// Event stream lines of dockerd 20.10 and podman 4.3 (captured in test/fixtures/engine) to the
// (id, action, name) the cache acts on.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseEngineEvent } from '../../../collector/metadata/engine-event.js';

const lines = (name: string): unknown[] => readFileSync(new URL(`../../fixtures/engine/${name}`, import.meta.url), 'utf8')
  .split('\n').filter(Boolean).map((l) => JSON.parse(l));

describe('parseEngineEvent', () => {
  it('dockerd 20.10: rename carries the new name; update and create', () => {
    expect(lines('docker-20.10-events.ndjson').map(parseEngineEvent)).toEqual([
      { id: 'd2a9bb63a144454609098dde28b37949bdd4d94d7580d9b41f3f2925e1364825', action: 'rename', name: 'lim2' },
      { id: 'd2a9bb63a144454609098dde28b37949bdd4d94d7580d9b41f3f2925e1364825', action: 'update', name: 'lim2' },
      { id: '072f5dfe2b7b18748c75fcec21a3523ab9e794dcf579af3e84d006f38ec895e9', action: 'create', name: 't2' },
    ]);
  });

  it('podman 4.3 compat API: the same shape, with init', () => {
    expect(lines('podman-4.3-events.ndjson').map((e) => parseEngineEvent(e)?.action)).toEqual(['rename', 'create', 'init', 'start']);
  });

  it.each([
    [{ status: 'die', id: 'abc' }, { id: 'abc', action: 'die' }],
    [{ Type: 'container', Action: 'exec_start: sh -c true', Actor: { ID: 'abc' } }, { id: 'abc', action: 'exec_start' }],
    [{ Type: 'container', Action: 'health_status: healthy', Actor: { ID: 'abc', Attributes: { name: '/web' } } }, { id: 'abc', action: 'health_status', name: 'web' }],
    [{ Type: 'network', Action: 'connect', Actor: { ID: 'n' } }, undefined],
    [{ Type: 'container', Action: '', Actor: { ID: 'abc' } }, undefined],
    [{ Type: 'container', Action: 'start' }, undefined],
    [null, undefined],
    ['start', undefined],
  ])('%j → %j', (value, expected) => {
    expect(parseEngineEvent(value)).toEqual(expected);
  });
});
