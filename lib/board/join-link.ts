/** The join page with the code filled in. Client-safe: the board builds it in the browser. */
export function joinUrl(origin: string, locale: string, code: string): string {
  return `${origin}/${locale}/join?code=${encodeURIComponent(code)}`;
}

/**
 * Whether a URL's host names this computer only (localhost, 127.x.x.x, ::1, 0.0.0.0): phones
 * and other attendees' laptops cannot open a join link that points there.
 */
export function pointsToThisComputer(url: string): boolean {
  let hostname: string;
  try {
    hostname = new URL(url).hostname.toLowerCase().replace(/\.$/, '');
  } catch {
    return false;
  }
  if (hostname === 'localhost' || hostname.endsWith('.localhost')) return true;
  if (/^127(\.\d{1,3}){3}$/.test(hostname) || hostname === '0.0.0.0') return true;
  return hostname === '[::1]' || hostname === '[::]' || /^\[(0{1,4}:){7}0{0,3}1\]$/.test(hostname);
}
