export { crioModule, crioLeaf } from './crio.js';
