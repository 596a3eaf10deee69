import { describe, expect, it } from 'vitest';
import { DOCS_7X, DOCS_8X } from '../testing/auth-samples';
import { type LabDoc, searchLab } from '../testing/lab-engine';
import { buildSshSummaryRequest, parseSshSummary } from './summary';

const T0 = Date.UTC(2026, 10, 24, 12, 0, 0);
const SEC = 1000;

describe('SSH attempts summary', () => {
  const at = (i: number) => new Date(T0 - (i + 1) * 60 * SEC).toISOString();
  const docs: LabDoc[] = [
    ...DOCS_7X.map((d, i) => ({ index: 'filebeat-7.17.0-2026.11.24', id: `7-${i}`, source: { ...d, '@timestamp': at(i) } })),
    ...DOCS_8X.map((d, i) => ({
      index: 'filebeat-8.15.0',
      id: `8-${i}`,
      source: { ...d, '@timestamp': at(i) },
    })),
    // Hand-made 8.x pair: the same invalid user indexed with and without the pipeline's leading space.
    ...[' admin', 'admin'].map((name, i) => ({
      index: 'filebeat-8.15.0',
      id: `admin-${i}`,
      source: {
        '@timestamp': at(1),
        'event.dataset': 'system.auth',
        'system.auth.ssh.event': 'Failed',
        'user.name': name,
        'source.ip': '203.0.113.7',
      },
    })),
    // Outside the range.
    {
      index: 'filebeat-7.17.0-2026.11.23',
      id: 'old',
      source: { ...DOCS_7X[0]!, '@timestamp': new Date(T0 - 3 * 3600 * SEC).toISOString() },
    },
  ];

  it('counts failed, invalid-user and accepted attempts per user and source IP', () => {
    const request = buildSshSummaryRequest({ range: '1h', now: T0 });
    const summary = parseSshSummary(searchLab(docs, request, T0));
    expect(summary.rows).toEqual([
      { user: 'root', sourceIp: '192.168.42.119', failed: 3, invalidUser: 0, accepted: 0, total: 3 },
      { user: 'root', sourceIp: '202.196.224.106', failed: 3, invalidUser: 0, accepted: 0, total: 3 },
      { user: 'admin', sourceIp: '203.0.113.7', failed: 2, invalidUser: 0, accepted: 0, total: 2 },
      { user: 'test', sourceIp: '192.168.42.119', failed: 0, invalidUser: 1, accepted: 0, total: 1 },
      { user: 'vagrant', sourceIp: '10.0.2.2', failed: 0, invalidUser: 0, accepted: 1, total: 1 },
      { user: 'vagrant', sourceIp: '192.168.42.119', failed: 0, invalidUser: 0, accepted: 1, total: 1 },
    ]);
    expect(summary.totals).toEqual({ failed: 8, invalidUser: 1, accepted: 2, total: 11 });
  });

  it('is empty, not an error, on a cluster without Filebeat data', () => {
    const summary = parseSshSummary(searchLab([], buildSshSummaryRequest({ now: T0 }), T0));
    expect(summary).toEqual({ rows: [], totals: { failed: 0, invalidUser: 0, accepted: 0, total: 0 } });
    expect(buildSshSummaryRequest().body.query).toMatchObject({
      bool: { filter: expect.arrayContaining([{ range: { '@timestamp': { gte: 'now-15m', lte: 'now' } } }]) },
    });
  });
});
