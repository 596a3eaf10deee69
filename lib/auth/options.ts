import 'server-only';
import type { NextAuthOptions } from 'next-auth';
import CredentialsProvider from 'next-auth/providers/credentials';
import GitHubProvider from 'next-auth/providers/github';
import GoogleProvider from 'next-auth/providers/google';
import { connectWorkshopPractice } from '../connections/practice';
import { getDb } from '../db';
import { toAppError } from '../errors';
import { clientAddress } from '../server/client-address';
import { appContext, syncContext } from '../server/context';
import { newRequestId } from '../server/request-id';
import { signInAttendee, signInInstructor, signInOAuth, signInSelfPaced, SignInRefused, type SessionParticipant } from './sign-in';

/**
 * Runs a provider's sign-in. A refusal travels to the browser as its code; anything else (a
 * database failure) is logged in full under a request id and the browser gets only `internal`
 * with that id, never the error's text (next-auth would show it).
 */
async function authorizing(provider: string, run: () => Promise<SessionParticipant>): Promise<SessionParticipant> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof SignInRefused) throw error;
    const requestId = newRequestId();
    console.error(`[auth] ${provider} sign-in failed (request ${requestId}):`, toAppError(error).toLog());
    throw new SignInRefused('internal', requestId);
  }
}

/**
 * next-auth's own log lines. A bad or expired session cookie (anyone can send one) is one short
 * line without the stack; other errors keep their code and message, still without stacks.
 */
function logMessage(metadata: unknown): string {
  if (metadata instanceof Error) return metadata.message;
  if (metadata && typeof metadata === 'object') {
    const { message, error } = metadata as { message?: unknown; error?: unknown };
    if (typeof message === 'string') return message;
    if (error instanceof Error) return error.message;
  }
  return '';
}

const authLogger: NextAuthOptions['logger'] = {
  error(code, metadata) {
    const message = logMessage(metadata);
    if (code === 'JWT_SESSION_ERROR') console.warn(`[auth] session cookie refused (${message.slice(0, 120) || 'unreadable'})`);
    else console.error(`[auth] ${code}: ${message.slice(0, 500)}`);
  },
  warn(code) {
    console.warn(`[auth] ${code}`);
  },
  debug() {},
};

let cached: NextAuthOptions | undefined;

/**
 * next-auth's configuration: the three credentials providers of DESIGN.md (`attendee`,
 * `self-paced`, `instructor`), GitHub and Google when their keys are set, and JWT sessions that
 * carry the participant (id, name, role, workshop) and nothing secret.
 */
export function authOptions(): NextAuthOptions {
  if (cached) return cached;
  const { env, secrets } = syncContext();
  // next-auth v4 builds its callback URLs from NEXTAUTH_URL, else (with this flag) from the
  // request's X-Forwarded-Host/-Proto, which middleware.ts sets from the request's own host (or a
  // trusted proxy's): the guide is usually reached at whatever address the classroom uses.
  if (!env.NEXTAUTH_URL) process.env.AUTH_TRUST_HOST ??= 'true';
  const providers: NextAuthOptions['providers'] = [
    CredentialsProvider({
      id: 'attendee',
      name: 'Workshop code',
      credentials: { code: { label: 'Workshop code', type: 'text' }, name: { label: 'Display name', type: 'text' } },
      authorize: async (credentials) => ({ ...(await authorizing('attendee', async () => signInAttendee(await getDb(), credentials))) }),
    }),
    CredentialsProvider({
      id: 'self-paced',
      name: 'Self-paced',
      credentials: { name: { label: 'Display name', type: 'text' } },
      authorize: async (credentials, request) => ({
        ...(await authorizing('self-paced', async () =>
          signInSelfPaced(await getDb(), credentials, { address: clientAddress(request?.headers, env.TRUSTED_PROXIES), perHour: env.SELF_PACED_SIGNUPS_PER_HOUR }),
        )),
      }),
    }),
    CredentialsProvider({
      id: 'instructor',
      name: 'Instructor',
      credentials: { password: { label: 'Password', type: 'password' } },
      authorize: async (credentials, request) => ({
        ...(await authorizing('instructor', async () =>
          signInInstructor(await getDb(), credentials, { password: env.INSTRUCTOR_PASSWORD, address: clientAddress(request?.headers, env.TRUSTED_PROXIES) }),
        )),
      }),
    }),
  ];
  if (env.GITHUB_ID && env.GITHUB_SECRET) providers.push(GitHubProvider({ clientId: env.GITHUB_ID, clientSecret: env.GITHUB_SECRET }));
  if (env.GOOGLE_ID && env.GOOGLE_SECRET) providers.push(GoogleProvider({ clientId: env.GOOGLE_ID, clientSecret: env.GOOGLE_SECRET }));

  cached = {
    secret: secrets.authSecret,
    logger: authLogger,
    session: { strategy: 'jwt', maxAge: 30 * 24 * 60 * 60 },
    providers,
    pages: { signIn: '/ko/join' },
    events: {
      // A workshop set to the practice cluster: its attendees start connected to it.
      async signIn({ user, account }) {
        if (account?.provider === 'attendee') await connectWorkshopPractice(await appContext(), user as unknown as SessionParticipant);
      },
    },
    callbacks: {
      async jwt({ token, user, account }) {
        if (user && account) {
          const participant: SessionParticipant =
            account.type === 'oauth'
              ? await signInOAuth(await getDb(), { provider: account.provider, subject: account.providerAccountId, name: user.name ?? '' })
              : (user as unknown as SessionParticipant);
          token.participant = { id: participant.id, name: participant.name, role: participant.role, workshopId: participant.workshopId };
          token.sub = participant.id;
          token.name = participant.name;
        }
        return token;
      },
      async session({ session, token }) {
        if (token.participant) {
          session.participant = token.participant;
          session.user = { name: token.participant.name };
        }
        return session;
      },
    },
  };
  return cached;
}

/** Which sign-in options the join page offers (OAuth only when configured). */
export function availableProviders(): { instructor: boolean; github: boolean; google: boolean } {
  const { env } = syncContext();
  return {
    instructor: Boolean(env.INSTRUCTOR_PASSWORD),
    github: Boolean(env.GITHUB_ID && env.GITHUB_SECRET),
    google: Boolean(env.GOOGLE_ID && env.GOOGLE_SECRET),
  };
}
