import type { SessionParticipant } from '@/lib/auth/sign-in';

declare module 'next-auth' {
  interface Session {
    participant?: SessionParticipant;
  }
}

declare module 'next-auth/jwt' {
  interface JWT {
    participant?: SessionParticipant;
  }
}
