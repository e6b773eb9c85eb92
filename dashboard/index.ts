// The terminal dashboard (`cgmeter top`): views that render Snapshots, the sources that supply
// them, and the app that runs them in a terminal.
export { Dashboard, type DashboardOptions } from './app/dashboard.js';
export { createBlessedDisplay } from './app/blessed-display.js';
export type { Display } from './app/display.js';
export { unavailableLimitActions, type ActionResult, type LimitActions } from './actions/limit-actions.js';
export { KernelLimitActions, type KernelLimitActionsOptions } from './actions/kernel-limit-actions.js';
export { RemoteLimitActions } from './actions/remote-limit-actions.js';
export { LocalSource, type LocalSourceOptions } from './sources/local-source.js';
export { RemoteSource } from './sources/remote-source.js';
export { ReplaySource } from './sources/replay-source.js';
export { MemoryHistorySource, type SnapshotHistorySource } from './sources/history-source.js';
export type { DashboardSource, Frame, FrameListener } from './sources/source.js';
export { HostStatsReader, type HostStats } from './sources/host-stats.js';
export { renderScreen } from './views/screen.js';
export { initialState, type UiState } from './model/ui-state.js';
export { onceJson, onceText } from './once.js';
