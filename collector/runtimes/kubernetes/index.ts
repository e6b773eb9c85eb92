export { kubernetesModule } from './kubernetes.js';
export { parseKubepods, type KubepodsLevel } from './kubepods.js';
