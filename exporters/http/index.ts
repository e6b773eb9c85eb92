export * from './app.js';
export * from './server.js';
export * from './web-config.js';
export * from './containers-api.js';
export { hashPassword, verifyPassword, hashKind } from './password-hash.js';
