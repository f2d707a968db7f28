// What every browser script starts with, once: its environment, the browser launched
// headless on a fresh profile (Chromium through playwright-core, Firefox through
// puppeteer-core over WebDriver BiDi: playwright-core drives only its own patched
// Firefox builds, not a stock one), and the page's console errors collected.

/** The environment variable `name`, which krl-cli/tests/ui_browser.rs (or a bench script) sets. */
export const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

/** The window both browsers draw in: room for the graph and the pico panel side by side. */
const VIEWPORT = { width: 1400, height: 900 };

/** Chromium without what would reach the network or need a sandbox a container lacks. */
const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Collects what the page reports as errors: console errors and uncaught exceptions. */
function collectErrors(page) {
  const errors = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  page.on("pageerror", (err) => errors.push(err.message));
  return errors;
}

/**
 * Headless Chromium (CHROMIUM) on the profile PROFILE_DIR through playwright-core.
 * Answers `{ page, consoleErrors, close }`.
 */
export async function openChromium(timeout) {
  const { chromium } = await import("playwright-core");
  const context = await chromium.launchPersistentContext(env("PROFILE_DIR"), {
    executablePath: env("CHROMIUM"),
    headless: true,
    viewport: VIEWPORT,
    args: CHROMIUM_ARGS,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(timeout);
  return { page, consoleErrors: collectErrors(page), close: () => context.close() };
}

/**
 * Headless Firefox (FIREFOX) on the profile PROFILE_DIR through puppeteer-core.
 * Answers `{ page, consoleErrors, close }`.
 */
export async function openFirefox(timeout) {
  const { default: puppeteer } = await import("puppeteer-core");
  const browser = await puppeteer.launch({
    browser: "firefox",
    executablePath: env("FIREFOX"),
    headless: true,
    userDataDir: env("PROFILE_DIR"),
    defaultViewport: VIEWPORT,
  });
  const page = (await browser.pages())[0] ?? (await browser.newPage());
  // `defaultViewport` sizes only the pages puppeteer opens, not the window Firefox starts with.
  await page.setViewport(VIEWPORT);
  page.setDefaultTimeout(timeout);
  return { page, consoleErrors: collectErrors(page), close: () => browser.close() };
}
