export { runcModule } from './runc.js';
