// What the bench scripts share beyond their cgroups: `--name value` arguments, and the base URL a
// server prints when it listens (`cgmeter serve: listening on http://127.0.0.1:PORT/metrics`).

import type { ChildProcess } from 'node:child_process';

/** The value after `name` on the command line, or `fallback`. */
export function stringArg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}

export function numberArg(name: string, fallback: number): number {
  return Number(stringArg(name, String(fallback)));
}

/** Resolves to `http://HOST:PORT` once the child's stderr says it listens; rejects if it exits first. */
export function listeningUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const m = /listening on (http:\/\/[^\s/]+)/.exec(text);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code} before it listened: ${text}`)));
  });
}
