// Drives headless Chromium through examples/session_page.rs: log in with the form, save a
// note with a CSRF-protected fetch (which renews the access cookie), try without the CSRF
// header, log out, try again. After each step it reads the cookies the browser actually
// kept (CDP `Network.getAllCookies`) and prints one JSON line of findings for
// tests/tests/browser_session.rs to check.
//
//     node drive.mjs http://127.0.0.1:PORT/ [path-to-chromium]
import puppeteer from "puppeteer-core";

const [url, executablePath = "/usr/bin/chromium"] = process.argv.slice(2);
const STEP_TIMEOUT = 15_000;
const JWT_COOKIES = [
  "access_token_cookie",
  "csrf_access_token",
  "refresh_token_cookie",
  "csrf_refresh_token",
];

/// The JWT cookies the browser holds: name → the attributes the test checks.
async function jwtCookies(client) {
  const { cookies } = await client.send("Network.getAllCookies");
  const kept = {};
  for (const cookie of cookies) {
    if (JWT_COOKIES.includes(cookie.name)) {
      kept[cookie.name] = {
        value: cookie.value,
        httpOnly: cookie.httpOnly,
        sameSite: cookie.sameSite ?? null,
        path: cookie.path,
        session: cookie.session,
      };
    }
  }
  return kept;
}

/// The payload of a JWT (no verification: the server did that).
function payload(token) {
  const segment = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
  return JSON.parse(Buffer.from(segment, "base64").toString("utf8"));
}

/// Clicks `selector` and waits for the page's result line to change; returns it.
async function clickAndRead(page, selector) {
  const before = await page.$eval("#result", (element) => element.textContent);
  await page.click(selector);
  await page.waitForFunction(
    (previous) => document.querySelector("#result").textContent !== previous,
    { timeout: STEP_TIMEOUT },
    before,
  );
  return JSON.parse(await page.$eval("#result", (element) => element.textContent));
}

/// A POST from the page's own script, without the CSRF header.
function postWithoutCsrf(page, path) {
  return page.evaluate(async (target) => {
    const response = await fetch(target, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ note: "no csrf" }),
    });
    return { status: response.status, body: await response.json() };
  }, path);
}

const browser = await puppeteer.launch({
  executablePath,
  headless: true,
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-extensions",
    "--disable-sync",
    "--no-first-run",
    "--no-default-browser-check",
  ],
  timeout: STEP_TIMEOUT,
});
try {
  const page = await browser.newPage();
  page.setDefaultTimeout(STEP_TIMEOUT);
  const client = await page.createCDPSession();
  const findings = {};

  await page.goto(url, { waitUntil: "load" });
  findings.before_login = await jwtCookies(client);

  // The form's post answers 303 to the page, with the login's cookies.
  await page.type("#username", "test");
  await page.type("#password", "test");
  await Promise.all([page.waitForNavigation({ waitUntil: "load" }), page.click("#submit")]);
  const afterLogin = await jwtCookies(client);
  findings.after_login = afterLogin;
  findings.login_access = afterLogin.access_token_cookie
    ? payload(afterLogin.access_token_cookie.value)
    : null;

  // A CSRF-protected fetch: accepted, and its answer renews the access cookie.
  findings.save = await clickAndRead(page, "#save");
  const afterSave = await jwtCookies(client);
  findings.after_save = afterSave;
  findings.renewed_access = afterSave.access_token_cookie
    ? payload(afterSave.access_token_cookie.value)
    : null;
  findings.page_csrf_matches = await page.evaluate(
    (csrf) => document.cookie.includes(`csrf_access_token=${csrf}`),
    findings.renewed_access?.csrf ?? "",
  );

  // The same request without the CSRF header is refused.
  findings.without_csrf = await postWithoutCsrf(page, "/api/notes");

  // Logout unsets every JWT cookie, and nothing sets them again.
  findings.logout = await clickAndRead(page, "#logout");
  findings.after_logout = await jwtCookies(client);
  findings.save_after_logout = await clickAndRead(page, "#save");
  findings.after_save_after_logout = await jwtCookies(client);

  console.log(JSON.stringify(findings));
} finally {
  await browser.close();
}
