// What the browser tests share: the servers scripts/test-console.sh started (from the
// environment), Debian's Chromium driven by playwright-core, a typed API client for the
// steps a user's own system does (sending a message), axe, and screenshots.
import AxeBuilder from "@axe-core/playwright";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import createClient from "openapi-fetch";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import type { paths } from "../../../gen/ts/reach.js";

function env(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run the tests with scripts/test-console.sh (make test-console)`);
  return v;
}

export const reachURL = env("REACH_URL");
export const adminKey = env("REACH_ADMIN_KEY");
export const senderKey = env("REACH_SENDER_KEY");
export const viewerKey = env("REACH_VIEWER_KEY");
export const gatewayURL = env("ALIPAY_GATEWAY_URL");
const testdata = env("ALIPAY_TESTDATA");
const screenshots = env("SCREENSHOTS");

export const testKey = (file: string) => readFileSync(join(testdata, file), "utf8");

// The API as the shop's own backend calls it, with the admin key.
export const reach = createClient<paths>({ baseUrl: reachURL, headers: { Authorization: `Bearer ${adminKey}` } });

// Flags that keep Chromium from reaching for the network, which this machine does not have.
const flags = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
  "--disable-component-update", "--disable-sync"];

export async function launch(): Promise<Browser> {
  // playwright-core gives each launch a fresh, empty user data directory.
  return chromium.launch({ executablePath: env("CHROMIUM"), headless: true, args: flags });
}

// A context with a fixed time zone and locale, so screenshots show the same kind of times
// whatever machine makes them.
export async function context(browser: Browser, width = 1280, height = 860): Promise<BrowserContext> {
  const ctx = await browser.newContext({ viewport: { width, height }, timezoneId: "Asia/Shanghai", locale: "en-US", baseURL: reachURL });
  ctx.on("page", watchProblems);
  // A step that has not happened in 15 s will not happen: fail then, not after 30.
  ctx.setDefaultTimeout(15_000);
  return ctx;
}

// problems collects what the page should never do: break its Content-Security-Policy or
// throw an uncaught error. A test reads it at the end.
export const problems: string[] = [];

export function watchProblems(page: Page): Page {
  page.on("console", (m) => { if (/Content.Security.Policy/i.test(m.text())) problems.push(`CSP: ${m.text()}`); });
  page.on("pageerror", (e) => problems.push(`uncaught: ${e.message}`));
  return page;
}

export async function signIn(page: Page, key: string): Promise<void> {
  await page.goto("/console/");
  await page.getByLabel("API key").fill(key);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("button", { name: "Sign out" }).waitFor();
}

// checkA11y runs axe on the page as it is and fails on serious or critical violations.
export async function checkA11y(page: Page, what: string): Promise<void> {
  const r = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  const bad = r.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  assert.deepEqual(bad.map((v) => `${v.id} (${v.impact}): ${v.help}: ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")}`), [],
    `accessibility of ${what}`);
}

// shot writes $SCREENSHOTS/NAME.png (bin/screenshots, or docs/screenshots for the README) of the page from its top (or, with atTop false,
// of the part the last step scrolled to).
export async function shot(page: Page, name: string, atTop = true): Promise<void> {
  if (atTop) await page.evaluate(() => { (document.activeElement as HTMLElement | null)?.blur(); window.scrollTo(0, 0); });
  await page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: false, animations: "disabled", caret: "hide" });
}
