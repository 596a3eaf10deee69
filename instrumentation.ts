/** Next.js start-up hook: the embedded practice cluster starts beside the guide (lib/practice/start-with-app.ts). */
export async function register(): Promise<void> {
  // The import sits inside the runtime check so the Edge build drops it (it needs node:http).
  if (process.env.NEXT_RUNTIME === 'nodejs') {
    const { startWithApp } = await import('./lib/practice/start-with-app');
    await startWithApp();
  }
}
