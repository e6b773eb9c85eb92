export { rawModule, identifyRaw } from './raw.js';
