import NextAuth from 'next-auth';
import { authOptions } from '@/lib/auth/options';

export const dynamic = 'force-dynamic';

// next-auth v4's App Router handler, built on first request so the secrets are read at run time.
async function handler(request: Request, context: { params: { nextauth: string[] } }) {
  return NextAuth(authOptions())(request, context);
}

export { handler as GET, handler as POST };
