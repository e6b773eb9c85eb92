export { dockerModule, dockerLeaf } from './docker.js';
