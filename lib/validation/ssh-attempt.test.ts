import { describe, expect, it } from 'vitest';
import { isSshAttemptUser, sshAttemptSource } from './ssh-attempt';

describe('the SSH attempt rule', () => {
  it('accepts account names a real sshd line carries, up to 32 characters', () => {
    for (const user of ['hAx0R', 'root', 'ubuntu', 'admin@example', 'svc_backup-01', 'a'.repeat(32), 'j.doe']) expect(isSshAttemptUser(user), user).toBe(true);
  });

  it('refuses what would not fit or would break the log line', () => {
    for (const user of ['', 'a'.repeat(33), 'two words', 'x\u0000', 'semi;colon', '한글']) expect(isSshAttemptUser(user), user).toBe(false);
  });

  it('takes IPv4 and IPv6 sources and writes them as sshd does', () => {
    expect(sshAttemptSource('203.0.113.7')).toBe('203.0.113.7');
    expect(sshAttemptSource('::1')).toBe('::1');
    expect(sshAttemptSource('2001:0db8:0000:0000:0000:0000:0000:0001')).toBe('2001:db8::1');
    for (const bad of ['300.1.1.1', '127.1', 'example.com', '', '1.2.3']) expect(sshAttemptSource(bad), bad).toBeNull();
  });
});
