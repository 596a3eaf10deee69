/**
 * The auth log panel's queries (chapter 3), by purpose: the fields (`fields`), one event
 * (`events`), the live tail and its cursor (`tail`, `cursor`), older pages
 * before the oldest event shown (`older`, `older-cursor`), the SSH summary (`summary`), the
 * Filebeat module status (`filebeat-module`) and the Kibana link (`kibana-link`). Pure request
 * builders and response parsers; `lib/panels/auth-log.ts` runs them.
 */
export * from './cursor';
export * from './events';
export * from './fields';
export * from './filebeat-module';
export * from './kibana-link';
export * from './older';
export * from './older-cursor';
export * from './summary';
export * from './tail';
