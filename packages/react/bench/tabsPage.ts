// What the tabs benchmarks do with the test page (src/__tests__/tabsPage) in Chromium.
import type { BrowserContext, Page } from 'playwright-core';

/**
 * Opens a tab of the page served at `url` in `context`, on `server`, listening to `tick`s, with
 * more of the page's `params`; resolved once the page reports on `window.page`.
 */
export async function openTabsPage(
  context: BrowserContext,
  url: string,
  server: { url: string; anonKey: string },
  params: Record<string, string>,
): Promise<Page> {
  const page = await context.newPage();
  const query = new URLSearchParams({
    url: server.url,
    key: server.anonKey,
    bench: '1',
    ...params,
  });
  await page.goto(`${url}?${query.toString()}`);
  await page.waitForFunction(() => (window as unknown as { page?: unknown }).page !== undefined);
  return page;
}

/** Signs a new user up in `page` (its context's other tabs share the session); their id. */
export function signUpIn(page: Page, email: string): Promise<string> {
  return page.evaluate(async (email) => {
    const { supabase } = (
      window as unknown as { page: { supabase: import('@supabase/supabase-js').SupabaseClient } }
    ).page;
    const { data, error } = await supabase.auth.signUp({ email, password: 'bench-password-1' });
    if (error) throw error;
    return data.user?.id ?? '';
  }, email);
}
