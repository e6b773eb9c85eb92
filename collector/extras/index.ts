export * from './sample-extras.js';
export { readMachineFacts, type MachineFacts } from '../machine/machine-facts.js';
