/** The practice cluster's Watcher (see README.md). */
export { PracticeWatcher, watcherHttpStatus } from './watcher';
export type { ExecuteWatchQuery, PracticeWatcherOptions, PutWatchQuery, WatcherSnapshot } from './watcher';
export type { LoggedEntry, MailboxEntry, WebhookEntry } from './execution';
export { PRACTICE_EMAIL_ACCOUNT } from './execution';
export { parseWatch } from './watch-parser';
export type { ParsedWatch } from './watch-parser';
export { watcherFlavour } from './flavours';
export { renderTemplate } from './mustache';
