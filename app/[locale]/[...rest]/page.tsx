import { notFound } from 'next/navigation';

// Unknown paths under a locale render the localised not-found page inside the guide's layout.
export default function CatchAll() {
  notFound();
}
