import 'server-only';
import type { NextAuthOptions } from 'next-auth';
import CredentialsProvider from 'next-auth/providers/credentials';
import GitHubProvider from 'next-auth/providers/github';
import GoogleProvider from 'next-auth/providers/google';
import { connectWorkshopPractice } from '../connections/practice';
import { getDb } from '../db';
import { appContext, syncContext } from '../server/context';
import { signInAttendee, signInInstructor, signInOAuth, signInSelfPaced, type SessionParticipant } from './sign-in';

function clientKey(headers: Record<string, unknown> | undefined): string {
  const forwarded = headers?.['x-forwarded-for'];
  const first = typeof forwarded === 'string' ? forwarded.split(',')[0]?.trim() : undefined;
  return first || 'local';
}

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
  // request's own host: the guide is usually reached at whatever address the classroom uses.
  if (!env.NEXTAUTH_URL) process.env.AUTH_TRUST_HOST ??= 'true';
  const providers: NextAuthOptions['providers'] = [
    CredentialsProvider({
      id: 'attendee',
      name: 'Workshop code',
      credentials: { code: { label: 'Workshop code', type: 'text' }, name: { label: 'Display name', type: 'text' } },
      authorize: async (credentials) => ({ ...(await signInAttendee(await getDb(), credentials)) }),
    }),
    CredentialsProvider({
      id: 'self-paced',
      name: 'Self-paced',
      credentials: { name: { label: 'Display name', type: 'text' } },
      authorize: async (credentials) => ({ ...(await signInSelfPaced(await getDb(), credentials)) }),
    }),
    CredentialsProvider({
      id: 'instructor',
      name: 'Instructor',
      credentials: { password: { label: 'Password', type: 'password' } },
      authorize: async (credentials, request) => ({
        ...(await signInInstructor(await getDb(), credentials, { password: env.INSTRUCTOR_PASSWORD, clientKey: clientKey(request?.headers) })),
      }),
    }),
  ];
  if (env.GITHUB_ID && env.GITHUB_SECRET) providers.push(GitHubProvider({ clientId: env.GITHUB_ID, clientSecret: env.GITHUB_SECRET }));
  if (env.GOOGLE_ID && env.GOOGLE_SECRET) providers.push(GoogleProvider({ clientId: env.GOOGLE_ID, clientSecret: env.GOOGLE_SECRET }));

  cached = {
    secret: secrets.authSecret,
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
