export { podmanModule, podmanLeaf } from './podman.js';
