export { containerdModule, containerdLeaf } from './containerd.js';
