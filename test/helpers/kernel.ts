// The kit for kernel-facing tests, written once and run on whatever host it finds (hybrid v1 here,
// pure v2 in ../shared/tools/v2vm): host detection, throw-away cgroups, preconditions, polling.
export { detectHostCgroups, parseHostCgroups, type HostCgroupMode, type HostCgroups } from './host-cgroups.js';
export {
  TestCgroup, createTestCgroup, destroyAllTestCgroups, exited,
  type TestController, type TestCgroupLimits, type TestCgroupOptions,
} from './test-cgroup.js';
export { removeTrees } from './cgroup-teardown.js';
export { findBinary, missingPrerequisites, requireRootOrSkip, type Prerequisites } from './preconditions.js';
export { waitFor, type WaitForOptions } from './wait-for.js';
