import { describe, expect, it } from 'vitest';
import { kibanaLogsLink, type KibanaLogsLink } from './kibana-link';

describe('Open in Kibana (Logs)', () => {
  const kibana = 'https://c6c2ca6d042249af0cc7d7a9e9625743.us-east-1.aws.found.io:443/';
  const decoded = (url: string) => decodeURIComponent(url);

  it.each<[string, { major: number; minor: number | null }, string, KibanaLogsLink['app']]>([
    ['7.6 (hash routes)', { major: 7, minor: 6 }, "/app/logs#/stream?logFilter=(expression:'event.dataset: \"system.auth\"',kind:kuery)", 'logs'],
    ['7.12', { major: 7, minor: 12 }, "/app/logs/stream?logFilter=(expression:'event.dataset: \"system.auth\"',kind:kuery)", 'logs'],
    ['7.17', { major: 7, minor: 17 }, "/app/logs/stream?logFilter=(language:kuery,query:'event.dataset: \"system.auth\"')", 'logs'],
    ['8.15', { major: 8, minor: 15 }, "/app/logs/stream?logFilter=(language:kuery,query:'event.dataset: \"system.auth\"')", 'logs'],
    ['9.0 (no Logs stream)', { major: 9, minor: 0 }, "/app/discover#/?_a=(query:(language:kuery,query:'event.dataset: \"system.auth\"'))", 'discover'],
  ])('%s', (_name, version, path, app) => {
    const link = kibanaLogsLink(kibana, version);
    expect(link.app).toBe(app);
    expect(decoded(link.url)).toBe(`https://c6c2ca6d042249af0cc7d7a9e9625743.us-east-1.aws.found.io:443${path}`);
  });

  it('adds the filter and escapes it for Kibana’s URL state (rison)', () => {
    const link = kibanaLogsLink(kibana, { major: 8, minor: 15 }, "user.name: hAx0R and message: \"it's!\"");
    expect(decoded(link.url)).toContain(`query:'event.dataset: "system.auth" and (user.name: hAx0R and message: "it!'s!!")'`);
    expect(link.url).not.toMatch(/ /);
  });
});
