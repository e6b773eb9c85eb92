// `cgmeter ls`: one table of containers and their usage, like `docker stats --no-stream`, with
// names, images and limits from the engines when their sockets answer; `--tree` draws the
// cgroup hierarchy instead. Its flags and help; what it runs is ls-run.ts, imported when it runs.

import type { Command } from '../command.js';
import { COLLECTOR_FLAGS } from '../common-flags.js';
import { METADATA_FLAGS } from '../metadata-flags.js';

export const lsCommand: Command = {
  name: 'ls',
  summary: 'List containers (or, with --all, every cgroup) with their name, image, CPU, memory, network, block I/O, pids and limits, like `docker stats --no-stream`.\nCPU % is measured over --interval between two readings (100% = one core); CPUS is the CPU limit in cores.',
  usage: 'cgmeter ls [--all] [--json | --tree] [--interval 1s] [--docker-socket PATH|none] [--podman-socket PATH|none] [--host-root DIR]',
  flags: {
    all: { type: 'boolean', short: 'a', description: 'show every cgroup, not only containers and pods' },
    json: { type: 'boolean', description: 'print the full Snapshots as JSON, with limits in bytes and cores (unlimited values are "max")' },
    tree: { type: 'boolean', short: 't', description: 'draw the cgroup hierarchy (like systemd-cgls) with containers marked by runtime and name' },
    interval: { type: 'string', placeholder: 'DURATION', default: '1s', description: 'time between the two readings that give rates (500ms, 1s, 5s)' },
    verbose: { type: 'boolean', short: 'v', description: 'also say which hierarchy, counter reader and engine sockets are in use' },
    ...METADATA_FLAGS,
    ...COLLECTOR_FLAGS,
  },
  examples: [
    'cgmeter ls',
    'cgmeter ls --tree',
    'cgmeter ls --all --interval 500ms',
    'cgmeter ls --docker-socket /run/user/1000/docker.sock --podman-socket none',
    'cgmeter ls --json | jq ".[] | {name: .sample.identity.name, limits}"',
  ],
  run: async (args) => (await import('./ls-run.js')).runLs(args),
};
