export { lxcModule } from './lxc.js';
