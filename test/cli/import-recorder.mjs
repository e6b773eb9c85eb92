// Test support (test/cli/startup.test.ts): records every module the process loads, appending its URL
// to the file named by CGMETER_IMPORT_LOG. `node --import <this file>` registers itself as the ESM
// resolve hook (run in the loader's thread) and wraps CommonJS resolution (require(), createRequire)
// in the main thread, which the ESM hook does not see. Not part of cgmeter.
import { appendFileSync } from 'node:fs';
import Module, { register } from 'node:module';
import { isMainThread } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';

const log = process.env.CGMETER_IMPORT_LOG;

export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(log, `${result.url}\n`);
  return result;
}

if (isMainThread && log) {
  register(import.meta.url);
  const resolveFilename = Module._resolveFilename;
  Module._resolveFilename = function recordedResolve(...args) {
    const file = resolveFilename.apply(this, args);
    if (file.startsWith('/')) appendFileSync(log, `${pathToFileURL(file).href}\n`);
    return file;
  };
}
