import { getRequestConfig } from 'next-intl/server';
import { isLocale, routing } from './routing';

// No time zone here: times are shown in the viewer's own zone by `lib/client/time.ts`, in the
// browser only, so nothing the server renders depends on a zone.
export default getRequestConfig(async ({ requestLocale }) => {
  const requested = await requestLocale;
  const locale = requested && isLocale(requested) ? requested : routing.defaultLocale;
  return {
    locale,
    messages: (await import(`../messages/${locale}.json`)).default,
  };
});
