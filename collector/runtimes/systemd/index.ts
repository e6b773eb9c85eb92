export { systemdModule } from './systemd.js';
