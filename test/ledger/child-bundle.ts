// Test support: a child process entry bundled into one file, so that it starts in ~0.2 s instead of
// ~2 s through tsx on a busy machine (kill tests restart it often). better-sqlite3 stays external (a
// native module), by absolute path since the bundle lives outside the project. Without esbuild
// (tsx's dependency) the entry runs through tsx.
import { createRequire } from 'node:module';
import { join } from 'node:path';

/** The argv (after the node binary) that runs `entry`. */
export async function childCommand(entry: string, outDir: string): Promise<string[]> {
  try {
    const esbuild = await import('esbuild');
    const sqlite = createRequire(import.meta.url).resolve('better-sqlite3');
    const outfile = join(outDir, 'child-entry.mjs');
    await esbuild.build({
      entryPoints: [entry], bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile, logLevel: 'silent',
      banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
      plugins: [{ name: 'external-sqlite', setup: (b) => b.onResolve({ filter: /^better-sqlite3$/ }, () => ({ path: sqlite, external: true })) }],
    });
    return [outfile];
  } catch {
    return ['--import', 'tsx', entry];
  }
}
