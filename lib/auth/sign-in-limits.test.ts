import { describe, expect, it } from 'vitest';
import { createWorkshop, listParticipantsByWorkshop } from '../db';
import { describeStorage } from '../db/test-backends';
import { clientAddress, parseTrustedProxies, PEER_ADDRESS_HEADER } from '../server/client-address';
import { signInAttendee, SignInRefused, signInInstructor, signInSelfPaced } from './sign-in';
import { claimInstructorAttempt, INSTRUCTOR_OVERALL, INSTRUCTOR_PER_CLIENT, slowDownDelayMs } from './sign-in-limits';

const PASSWORD = 'the-instructor-password';

/** The refusal code and value of a sign-in, or 'ok'. */
async function outcome(attempt: Promise<unknown>): Promise<string> {
  try {
    await attempt;
    return 'ok';
  } catch (error) {
    if (error instanceof SignInRefused) return error.message;
    throw error;
  }
}

const at = (base: Date, ms: number) => new Date(base.getTime() + ms);

describe('the slow-down schedule', () => {
  it('lets 5 failures per client pass, then doubles the wait from 1 s up to 5 minutes', () => {
    expect([1, 5, 6, 7, 8, 10].map((n) => slowDownDelayMs(INSTRUCTOR_PER_CLIENT, n))).toEqual([0, 0, 1_000, 2_000, 4_000, 16_000]);
    expect(slowDownDelayMs(INSTRUCTOR_PER_CLIENT, 500)).toBe(5 * 60_000);
  });

  it('lets 20 failures overall pass, then waits at most 15 s', () => {
    expect([20, 21, 22, 25, 1_000].map((n) => slowDownDelayMs(INSTRUCTOR_OVERALL, n))).toEqual([0, 1_000, 2_000, 15_000, 15_000]);
  });
});

describeStorage('sign-in limits', ({ db }) => {
  const t0 = new Date('2026-03-14T09:00:00Z');

  it('slows one client down after 5 wrong passwords without locking out another client', async () => {
    const start = at(t0, 0);
    const wrong = (address: string, now: Date) => outcome(signInInstructor(db(), { password: 'guess' }, { password: PASSWORD, address, now }));
    for (let i = 0; i < 6; i += 1) expect(await wrong('203.0.113.7', start)).toBe('wrong_password');
    // The 6th failure set a 1 s wait: an attempt inside it is refused unchecked, with the seconds.
    expect(await wrong('203.0.113.7', at(start, 500))).toBe('rate_limited.1');
    expect(await outcome(signInInstructor(db(), { password: PASSWORD }, { password: PASSWORD, address: '203.0.113.7', now: at(start, 500) }))).toBe('rate_limited.1');
    // Once it passed, the next failure doubles it.
    expect(await wrong('203.0.113.7', at(start, 1_000))).toBe('wrong_password');
    expect(await wrong('203.0.113.7', at(start, 2_500))).toBe('rate_limited.1');
    // The instructor at another address signs in at once, and that clears the overall count.
    expect(await outcome(signInInstructor(db(), { password: PASSWORD }, { password: PASSWORD, address: '198.51.100.20', now: at(start, 2_500) }))).toBe('ok');
    // The guesser's own wait stands; an hour later it is forgotten.
    expect(await wrong('203.0.113.7', at(start, 2_600))).toBe('rate_limited.1');
    expect(await wrong('203.0.113.7', at(start, 3_000 + 60 * 60_000))).toBe('wrong_password');
  });

  it('a correct password clears its own client’s wait', async () => {
    const start = at(t0, 10 * 60 * 60_000);
    const address = '192.0.2.44';
    for (let i = 0; i < 6; i += 1) await outcome(signInInstructor(db(), { password: 'typo' }, { password: PASSWORD, address, now: start }));
    expect(await outcome(signInInstructor(db(), { password: PASSWORD }, { password: PASSWORD, address, now: at(start, 1_000) }))).toBe('ok');
    for (let i = 0; i < 5; i += 1) {
      expect(await outcome(signInInstructor(db(), { password: 'typo' }, { password: PASSWORD, address, now: at(start, 1_000) }))).toBe('wrong_password');
    }
  });

  it('slows everyone down after 20 failures from many addresses, for at most 15 s', async () => {
    const start = at(t0, 20 * 60 * 60_000);
    for (let i = 0; i < 21; i += 1) {
      expect(await outcome(signInInstructor(db(), { password: 'x' }, { password: PASSWORD, address: `10.9.0.${i + 1}`, now: start }))).toBe('wrong_password');
    }
    expect(await outcome(signInInstructor(db(), { password: PASSWORD }, { password: PASSWORD, address: '10.9.1.1', now: at(start, 10) }))).toBe('rate_limited.1');
    expect(await outcome(signInInstructor(db(), { password: PASSWORD }, { password: PASSWORD, address: '10.9.1.1', now: at(start, 1_000) }))).toBe('ok');
  });

  it('rotating X-Forwarded-For from an untrusted peer does not reset the limit', async () => {
    const start = at(t0, 30 * 60 * 60_000);
    const trusted = parseTrustedProxies('10.0.0.2');
    const results: string[] = [];
    for (let i = 0; i < 7; i += 1) {
      const headers = new Headers({ [PEER_ADDRESS_HEADER]: '203.0.113.99', 'x-forwarded-for': `198.51.100.${i + 1}` });
      results.push(await outcome(signInInstructor(db(), { password: 'x' }, { password: PASSWORD, address: clientAddress(headers, trusted), now: start })));
    }
    expect(results).toEqual([...Array(6).fill('wrong_password'), 'rate_limited.1']);
  });

  it('behind a trusted proxy, each forwarded client has its own limit', async () => {
    const start = at(t0, 40 * 60 * 60_000);
    const trusted = parseTrustedProxies('10.0.0.2');
    const from = (client: string) => clientAddress(new Headers({ [PEER_ADDRESS_HEADER]: '10.0.0.2', 'x-forwarded-for': `6.6.6.6, ${client}` }), trusted);
    for (let i = 0; i < 6; i += 1) await outcome(signInInstructor(db(), { password: 'x' }, { password: PASSWORD, address: from('198.51.100.7'), now: start }));
    expect(await outcome(signInInstructor(db(), { password: 'x' }, { password: PASSWORD, address: from('198.51.100.7'), now: start }))).toBe('rate_limited.1');
    // The client-written left entry changes nothing; another real client is not slowed.
    expect(from('198.51.100.7')).toBe('198.51.100.7');
    expect(await outcome(signInInstructor(db(), { password: PASSWORD }, { password: PASSWORD, address: from('198.51.100.8'), now: start }))).toBe('ok');
  });

  it('counts attempts that arrive together one by one (instances share the rows)', async () => {
    const start = at(t0, 50 * 60 * 60_000);
    const verdicts = await Promise.all(Array.from({ length: 10 }, () => claimInstructorAttempt(db(), '192.0.2.200', start)));
    expect(verdicts.filter((verdict) => verdict.allowed)).toHaveLength(6);
  });

  it('limits self-paced sign-ups per address, never workshop attendees: 30 from one address all join', async () => {
    const start = at(t0, 60 * 60 * 60_000);
    const address = '203.0.113.50';
    for (let i = 0; i < 3; i += 1) expect(await outcome(signInSelfPaced(db(), { name: `Solo ${i}` }, { address, perHour: 3, now: start }))).toBe('ok');
    expect(await outcome(signInSelfPaced(db(), { name: 'Solo 4' }, { address, perHour: 3, now: at(start, 15 * 60_000) }))).toBe('too_many_sign_ups.45');
    expect(await outcome(signInSelfPaced(db(), { name: 'Elsewhere' }, { address: '203.0.113.51', perHour: 3, now: start }))).toBe('ok');
    expect(await outcome(signInSelfPaced(db(), { name: 'Solo 5' }, { address, perHour: 3, now: at(start, 60 * 60_000) }))).toBe('ok');

    const workshop = await createWorkshop(db(), { name: 'Class behind NAT' });
    const joins = await Promise.all(Array.from({ length: 30 }, (_, i) => outcome(signInAttendee(db(), { code: workshop.code, name: `Attendee ${i + 1}` }))));
    expect(joins).toEqual(Array(30).fill('ok'));
    expect(await listParticipantsByWorkshop(db(), workshop.id)).toHaveLength(30);
  });

  it('refuses control characters in a display name with their own code', async () => {
    expect(await outcome(signInSelfPaced(db(), { name: 'Eve\u0000' }, { address: '203.0.113.60', perHour: 10 }))).toBe('name_control_characters');
    const workshop = await createWorkshop(db(), { name: 'NUL check' });
    expect(await outcome(signInAttendee(db(), { code: workshop.code, name: 'Mallory\u0000' }))).toBe('name_control_characters');
    expect(await outcome(signInAttendee(db(), { code: workshop.code, name: '   ' }))).toBe('invalid_name');
  });
});
