/**
 * Next.js start-up hook: the database and secrets are prepared. The practice cluster is not started
 * here: it runs in a process of its own, started beside the guide by `npm start` / `npm run dev`
 * (scripts/practice-process.mjs).
 */
export async function register(): Promise<void> {
  // The import sits inside the runtime check so the Edge build drops it (it needs Node.js).
  if (process.env.NEXT_RUNTIME === 'nodejs') {
    const { prepareApp } = await import('./lib/server/start');
    await prepareApp();
  }
}
