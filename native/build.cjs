#!/usr/bin/env node
// Builds the optional native reader at `npm install` time. A failed build is not fatal:
// cgmeter then uses the pure-TypeScript reader of the same signature and says so at start.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const nativeDir = __dirname;
if (process.env.CGMETER_SKIP_NATIVE === '1') {
  console.log('cgmeter: CGMETER_SKIP_NATIVE=1, not building the native reader');
  process.exit(0);
}
if (!fs.existsSync(path.join(nativeDir, 'binding.gyp'))) process.exit(0);

// node-gyp ships inside npm; npm exposes its path to lifecycle scripts.
const npmNodeGyp = process.env.npm_config_node_gyp;
const args = ['rebuild', '--directory', nativeDir];
const res = npmNodeGyp
  ? spawnSync(process.execPath, [npmNodeGyp, ...args], { stdio: 'inherit' })
  : spawnSync('node-gyp', args, { stdio: 'inherit', shell: false });
if (res.status !== 0) {
  console.warn('cgmeter: the native reader did not build; the TypeScript fallback reader will be used');
}
process.exit(0);
