'use client';

import { createContext, useContext, type ReactNode } from 'react';
import type { SessionParticipant } from '@/lib/auth/sign-in';

const ParticipantContext = createContext<SessionParticipant | null>(null);

/** Who is signed in, read by the server layout from the session cookie (null when signed out). */
export function ParticipantProvider({ participant, children }: { participant: SessionParticipant | null; children: ReactNode }) {
  return <ParticipantContext.Provider value={participant}>{children}</ParticipantContext.Provider>;
}

export function useParticipant(): SessionParticipant | null {
  return useContext(ParticipantContext);
}
