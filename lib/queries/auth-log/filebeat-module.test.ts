import { describe, expect, it } from 'vitest';
import { parseFilebeatModuleStatus } from './filebeat-module';

describe('Filebeat system module status', () => {
  it('reads the auth pipelines `filebeat setup` loaded, newest Filebeat first', () => {
    const status = parseFilebeatModuleStatus({
      'filebeat-7.6.2-system-auth-pipeline': { description: 'Pipeline for parsing system authorisation/secure logs' },
      'filebeat-7.17.0-system-auth-pipeline': { processors: [] },
      'filebeat-8.15.0-system-auth-pipeline': { processors: [] },
    });
    expect(status).toEqual({
      installed: true,
      pipelines: [
        { id: 'filebeat-8.15.0-system-auth-pipeline', version: '8.15.0' },
        { id: 'filebeat-7.17.0-system-auth-pipeline', version: '7.17.0' },
        { id: 'filebeat-7.6.2-system-auth-pipeline', version: '7.6.2' },
      ],
    });
    // ES answers 404 `{}` when the pattern matches nothing; the adapter turns 404 into null.
    expect(parseFilebeatModuleStatus(null)).toEqual({ installed: false, pipelines: [] });
    expect(parseFilebeatModuleStatus({})).toEqual({ installed: false, pipelines: [] });
  });
});
