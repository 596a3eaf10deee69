/** Next.js start-up hook: the database and secrets are prepared, and the practice cluster starts beside the guide. */
export async function register(): Promise<void> {
  // The imports sit inside the runtime check so the Edge build drops them (they need Node.js).
  if (process.env.NEXT_RUNTIME === 'nodejs') {
    const { startWithApp } = await import('./lib/practice/start-with-app');
    const { prepareApp } = await import('./lib/server/start');
    await Promise.all([startWithApp(), prepareApp()]);
  }
}
