// The console end to end, in Debian's Chromium against `reach serve` and the Alipay
// simulator (scripts/test-console.sh starts them). The steps build on each other, in order.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { adminKey, checkA11y, context, gatewayURL, launch, problems, reach, senderKey, shot, signIn, testKey, viewerKey } from "./harness.js";

let browser: Browser;
let page: Page;

before(async () => {
  browser = await launch();
  page = await (await context(browser)).newPage();
});
after(async () => {
  await browser?.close();
});

const channelId = "acme-mini";
const templateId = "order-paid";
const templateExternalId = "cbc3487d54a648e0b38e334b2b047dd3"; // long-term, accepted by this user in sim.json
const userId = "2088000000000001";
const lifeChannelId = "acme-life";

test("a wrong key is refused with a message", async () => {
  await page.goto("/console/");
  await shot(page, "sign-in");
  await checkA11y(page, "the sign-in page");
  await page.getByLabel("API key").fill("rk_wrong_" + "x".repeat(40));
  await page.getByRole("button", { name: "Sign in" }).click();
  const alert = page.getByRole("alert");
  await alert.waitFor();
  assert.match(await alert.innerText(), /refused/i);
  assert.equal(await page.getByLabel("API key").inputValue(), "", "the key field is cleared");
  await checkA11y(page, "the refused sign-in");
});

test("an admin signs in; the key stays out of the page's reach", async () => {
  await signIn(page, adminKey);
  assert.equal(await page.getByLabel("API key").count(), 0);
  const visible = await page.evaluate(() => [document.cookie, JSON.stringify(localStorage), JSON.stringify(sessionStorage), document.body.innerText]);
  for (const v of visible) assert.ok(!v.includes(adminKey), "the key is readable by scripts");
  assert.ok(!visible[0]!.includes("reach_console"), "the session cookie is readable by scripts");
  await page.getByText("No channels yet.").waitFor();
  // The header names the tenant the key belongs to.
  assert.equal(await page.locator(".tenant strong").innerText(), "acme");
  await shot(page, "channels-empty");
  await checkA11y(page, "the empty channel list");
});

test("creating a channel by pasting its keys makes it ENABLED", async () => {
  await page.getByRole("link", { name: "New channel" }).first().click();
  await page.getByLabel("Alipay product").selectOption("CHANNEL_TYPE_ALIPAY_MINI_PROGRAM");
  await page.getByLabel("Display name").fill("Acme mini program");
  await page.getByLabel("Channel id").fill(channelId);
  await page.getByLabel("App id (APPID)").fill("2021000000000002");
  await page.getByLabel("App private key (应用私钥, PEM)").fill(testKey("mini_private.pem"));
  await page.getByLabel("Alipay public key (支付宝公钥, PEM or base64)").fill(testKey("alipay_public.pem"));
  await page.getByLabel("Gateway URL").fill(gatewayURL);
  await checkA11y(page, "the new channel form");
  await shot(page, "channel-new");
  await page.getByRole("button", { name: "Create channel" }).click();
  await page.getByRole("heading", { name: "Acme mini program" }).waitFor({ timeout: 30_000 });
  assert.equal(await page.locator(".head .badge").innerText(), "Enabled");
  assert.match(await page.getByTestId("notify-url").innerText(), new RegExp(`/v1/notify/.+/${channelId}$`));
  await checkA11y(page, "the channel page");
  await shot(page, "channel");
  await page.getByRole("link", { name: "Channels", exact: true }).first().click();
  await page.getByRole("cell", { name: /Acme mini program/ }).waitFor();
  await shot(page, "channels");
});

// shanghaiClock is the time of day in Shanghai hours from now, as HH:MM.
function shanghaiClock(hours: number): string {
  return new Date(Date.now() + hours * 3_600_000).toLocaleTimeString("en-GB",
    { timeZone: "Asia/Shanghai", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
}

test("an admin steers the channel: disable, enable, delivery policy, rotate", async () => {
  await page.goto(`/console/#/channels/${channelId}`);
  const badge = page.locator(".head .badge");
  await page.getByRole("button", { name: "Disable…" }).click();
  const dialog = page.getByRole("dialog", { name: "Disable this channel?" });
  await dialog.getByLabel("Reason").fill("maintenance");
  await dialog.getByRole("button", { name: "Disable" }).click();
  await badge.filter({ hasText: "Disabled" }).waitFor();
  await page.getByRole("button", { name: "Enable" }).click();
  await badge.filter({ hasText: "Enabled" }).waitFor({ timeout: 30_000 });
  // The policy form replaces the whole policy; quiet hours come back as saved.
  await page.getByRole("button", { name: "Edit policy" }).click();
  // Quiet hours two to three hours from now in Shanghai: they never hold the broadcast of a
  // later test back, whatever the time of day the tests run at (a fixed 22:00–08:00 did from
  // 14:00 to 24:00 UTC).
  const quietFrom = shanghaiClock(2), quietUntil = shanghaiClock(3);
  await page.getByLabel("Quiet hours for marketing messages").check();
  await page.getByLabel("From (HH:MM)").fill(quietFrom);
  await page.getByLabel("Until (HH:MM)").fill(quietUntil);
  // Durations are typed Go style; one that is not is answered at the field, in words.
  const dedup = page.getByLabel("De-duplication window");
  await dedup.fill("an hour");
  await page.getByRole("button", { name: "Save policy" }).click();
  await page.locator(".field.invalid .field-error", { hasText: "Write a duration like 1h" }).waitFor();
  assert.equal(await dedup.getAttribute("aria-invalid"), "true");
  // Typed at the API, the same value is answered at the field too: the gateway names the
  // field it could not read, in words of its own, without repeating the value.
  const raw = await reach.PATCH("/v1/channels/{channel}", {
    params: { path: { channel: channelId }, query: { update_mask: "delivery_policy" } as unknown as never },
    body: { deliveryPolicy: { dedupWindow: "1h" } },
  });
  const st = raw.error as { message?: string; details?: { fieldViolations?: { field?: string }[] }[] } | undefined;
  assert.ok(st?.details?.some((d) => d.fieldViolations?.some((v) => v.field === "channel.delivery_policy.dedup_window")), JSON.stringify(st));
  assert.doesNotMatch(st?.message ?? "", /proto:|"1h"/);
  await dedup.fill("1h30m");
  await page.getByRole("button", { name: "Save policy" }).click();
  await page.getByText("Delivery policy saved.").waitFor();
  const policy = await page.locator("section[aria-labelledby=policy-title]").innerText();
  assert.ok(policy.includes(`${quietFrom}–${quietUntil} Asia/Shanghai`), policy);
  assert.match(policy, /De-duplication window\s*1h30m/);
  // Rotating: only the private key is sent (the mask follows the body), then verified.
  await page.getByRole("button", { name: "Rotate credentials…" }).click();
  await page.getByLabel("App private key (应用私钥, PEM)").fill(testKey("mini_private.pem"));
  await page.getByRole("button", { name: "Save and verify" }).click();
  await page.getByText("Credentials replaced and checked with Alipay.").waitFor({ timeout: 30_000 });
  assert.equal(await badge.innerText(), "Enabled");
  await checkA11y(page, "the channel page after changes");
  // A success notice goes when the operator starts something else.
  await page.getByRole("button", { name: "Edit policy" }).click();
  assert.equal(await page.getByText("Credentials replaced and checked with Alipay.").count(), 0, "a stale notice stays");
  await page.getByRole("button", { name: "Cancel", exact: true }).click();
});

test("a template imported by pasting; a bad paste is answered at the field", async () => {
  await page.goto(`/console/#/templates/${channelId}`);
  await page.getByRole("button", { name: "Import by pasting" }).click();
  const content = page.getByLabel("Text copied from Alipay (模板内容)");
  await content.fill("this is not a template");
  await page.getByRole("button", { name: "Import template" }).click();
  const fieldError = page.locator(".field.invalid .field-error").first();
  await fieldError.waitFor();
  assert.equal(await content.getAttribute("aria-invalid"), "true");
  assert.ok((await fieldError.innerText()).length > 0);
  await checkA11y(page, "the import form with an error");
  await shot(page, "template-import-error", false);
  await content.fill("交易金额：{{keyword1.DATA}}\n交易时间：{{keyword2.DATA}}\n");
  await page.getByLabel("Alipay template id (模板ID)").fill(templateExternalId);
  await page.getByLabel("Display name").fill("Payment received");
  await page.getByLabel("Id in Reach").fill(templateId);
  await page.getByLabel("Subscription type").selectOption("SUBSCRIPTION_TYPE_LONG_TERM");
  await page.getByRole("button", { name: "Import template" }).click();
  await page.getByRole("cell", { name: /Payment received/ }).waitFor();
  assert.match(await page.getByRole("row", { name: /Payment received/ }).innerText(), /keyword2\s*交易时间/);
  await checkA11y(page, "the template list");
  await shot(page, "templates");
});

test("a message sent through the API reaches SENT live, and its timeline opens", async () => {
  await page.goto("/console/#/messages");
  await page.getByText("No messages yet.").waitFor();
  await page.locator(".dot.live").waitFor();
  // The shop's backend: the user's acceptance from the mini program, then the send.
  const resultJson = JSON.stringify({
    behavior: "subscribe", show: true, keep: true,
    result: { subscribeEntityIds: [templateExternalId], subscribedEntityIds: [templateExternalId], unsubscribedEntityIds: [], currentSubscribedEntityIds: [templateExternalId] },
    [templateExternalId]: "accept",
  });
  const rec = await reach.POST("/v1/channels/{channel}/subscriptions:recordSubscribeResult", {
    params: { path: { channel: channelId } }, body: { user: { userId }, resultJson },
  });
  assert.equal(rec.error, undefined, JSON.stringify(rec.error));
  const sent = await reach.POST("/v1/messages:send", {
    body: { requestId: "order-1001-paid", template: `channels/${channelId}/templates/${templateId}`, recipient: { userId },
      page: "pages/orders/detail?id=1001",
      data: { keyword1: "¥100.00", keyword2: "2026-12-06 10:00" } },
  });
  assert.equal(sent.error, undefined, JSON.stringify(sent.error));
  const messageId = sent.data!.message!.name!.replace("messages/", "");
  // No reload: the row arrives through the watch stream and turns Sent.
  const row = page.locator(`tr[data-message="${messageId}"]`);
  // Generous: under make test this runs beside go test on two cores.
  await row.locator(".badge", { hasText: "Sent" }).waitFor({ timeout: 30_000 });
  await checkA11y(page, "the message list");
  await shot(page, "messages");
  // The template column names the template; ids stay on one line with the whole id in a tooltip.
  assert.equal(await row.locator("td").nth(1).innerText(), "Payment received");
  assert.equal(await row.getByRole("link", { name: messageId }).getAttribute("title"), messageId);
  // The applied filter is in the URL: opening a message and going Back keeps it.
  // Times are typed as they are shown; anything else is answered at the field.
  const from = page.getByLabel(/^Created from \(Asia\/Shanghai\)/);
  await from.fill("yesterday");
  await page.getByRole("button", { name: "Filter", exact: true }).click();
  await page.locator(".field.invalid .field-error", { hasText: "Write a time like" }).waitFor();
  assert.equal(await from.getAttribute("aria-invalid"), "true");
  await from.fill("");
  assert.ok(await page.getByLabel(/^Created before \(Asia\/Shanghai\)/).isVisible());
  await page.getByLabel("State").selectOption("MESSAGE_STATE_SENT");
  await page.getByRole("button", { name: "Filter", exact: true }).click();
  await page.waitForURL(/#\/messages\?state=SENT/);
  await row.getByRole("link", { name: messageId }).click();
  const timeline = page.getByRole("list", { name: "Timeline" });
  await timeline.getByText("Attempt", { exact: true }).first().waitFor();
  const steps = await timeline.innerText();
  assert.match(steps, /Created[\s\S]*Attempt/);
  assert.doesNotMatch(steps, /QUEUED|ATTEMPT/, "the timeline shows the raw kind");
  assert.match(await page.locator("dl.facts").innerText(), /Created\s*\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}/);
  assert.match(await page.locator(".head .badge").innerText(), /Sent/);
  await checkA11y(page, "the message page");
  await shot(page, "message");
  await page.goBack();
  await row.waitFor();
  assert.equal(await page.getByLabel("State").inputValue(), "MESSAGE_STATE_SENT");
  await page.reload();
  await row.waitFor();
  assert.equal(await page.getByLabel("State").inputValue(), "MESSAGE_STATE_SENT");
  // A message for later shows when it is due, in the operator's time zone.
  const later = await reach.POST("/v1/messages:send", {
    body: { requestId: "order-1001-later", template: `channels/${channelId}/templates/${templateId}`, recipient: { userId },
      page: "pages/orders/detail?id=1001", sendTime: new Date(Date.now() + 30 * 86400_000).toISOString(),
      data: { keyword1: "¥1.00", keyword2: "next month" } },
  });
  assert.equal(later.error, undefined, JSON.stringify(later.error));
  await page.goto(`/console/#/messages/${later.data!.message!.name!.replace("messages/", "")}`);
  await page.getByText("Scheduled for").waitFor();
  assert.match(await page.locator("dl.facts").innerText(), /Scheduled for\s*\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}/);
});

test("subscriptions, webhooks and broadcasts open with what to do next", async () => {
  await page.goto(`/console/#/subscriptions/${channelId}`);
  await page.getByRole("cell", { name: userId }).first().waitFor();
  await checkA11y(page, "the subscriptions");
  await shot(page, "subscriptions");
  await page.goto("/console/#/webhooks");
  await page.getByText("No webhook endpoints yet.").waitFor();
  // An endpoint on loopback is refused (no private addresses here): the form says so at the URL.
  await page.getByRole("button", { name: "New webhook" }).click();
  await page.getByLabel("URL (https)").fill("http://127.0.0.1:1/hook");
  await page.getByRole("button", { name: "Create endpoint" }).click();
  await page.locator(".field.invalid .field-error").first().waitFor();
  assert.equal(await page.getByLabel("URL (https)").getAttribute("aria-invalid"), "true");
  await checkA11y(page, "the webhook form with an error");
  await page.goto("/console/#/broadcasts");
  await page.getByText("No broadcasts yet.").waitFor();
  await page.getByRole("button", { name: "New broadcast" }).click();
  await page.getByLabel("Channel", { exact: true }).selectOption(channelId);
  await page.getByLabel("Template", { exact: true }).selectOption(`channels/${channelId}/templates/${templateId}`);
  await page.getByLabel(/^keyword1/).fill("¥5 off");
  await page.getByLabel(/^keyword2/).fill("this week");
  await page.getByLabel(/^Page to open/).fill("pages/index/index");
  await page.getByRole("button", { name: "Start broadcast" }).click();
  await page.locator(".head .badge", { hasText: /Completed|Running|Scheduled/ }).waitFor();
  await page.locator(".head .badge", { hasText: "Completed" }).waitFor({ timeout: 45_000 });
  assert.match(await page.locator(".progress").first().innerText(), /1 sent/);
  await checkA11y(page, "a broadcast");
  await shot(page, "broadcast");
});

test("a Life Account broadcast asks for the landing page and footer its template lacks", async () => {
  // The shop's setup through the API: a Life Account channel, a template without a default
  // landing page, and a follower (the simulator's follower of its Life Account app).
  const ch = await reach.POST("/v1/channels", {
    params: { query: { channelId: lifeChannelId } },
    body: { displayName: "Acme Life Account", type: "CHANNEL_TYPE_ALIPAY_LIFE_ACCOUNT",
      openPlatform: { appId: "2021000000000001", appPrivateKey: testKey("life_private.pem"), alipayPublicKey: testKey("alipay_public.pem"), gatewayUrl: gatewayURL } },
  });
  assert.equal(ch.error, undefined, JSON.stringify(ch.error));
  const tpl = await reach.POST("/v1/channels/{channel}/templates", {
    params: { path: { channel: lifeChannelId }, query: { templateId: "order-status" } },
    body: { externalId: "TM9f1a1af9c3d9418bb0f66af22c817f41", displayName: "Order status", keywords: [{ key: "keyword1", label: "订单号" }, { key: "keyword2", label: "状态" }] },
  });
  assert.equal(tpl.error, undefined, JSON.stringify(tpl.error));
  const fol = await reach.POST("/v1/channels/{channel}/subscriptions", { params: { path: { channel: lifeChannelId } }, body: { user: { userId } } });
  assert.equal(fol.error, undefined, JSON.stringify(fol.error));

  await page.goto("/console/#/broadcasts");
  await page.getByRole("button", { name: "New broadcast" }).click();
  await page.getByLabel("Channel", { exact: true }).selectOption(lifeChannelId);
  await page.getByLabel("Template", { exact: true }).selectOption(`channels/${lifeChannelId}/templates/order-status`);
  assert.equal(await page.getByLabel(/^Page to open/).count(), 0, "a Life Account broadcast offers a mini program page");
  await page.getByLabel(/^keyword1/).fill("1001");
  await page.getByLabel(/^keyword2/).fill("shipped");
  // Without them Reach objects at both fields, and the banner only points there.
  await page.getByRole("button", { name: "Start broadcast" }).click();
  const url = page.getByLabel("Landing page (https URL)");
  await page.locator(".field.invalid .field-error, .banner.error").first().waitFor();
  await page.locator(".field.invalid .field-error").first().waitFor({ timeout: 2_000 }).catch(async (e: unknown) => {
    throw new Error(`no field marked; the page says: ${await page.locator("main").innerText()}`, { cause: e });
  });
  assert.equal(await url.getAttribute("aria-invalid"), "true");
  assert.equal(await page.getByLabel("Footer link text").getAttribute("aria-invalid"), "true");
  assert.equal(await page.locator(".banner.error").innerText(), "Reach did not accept this: see the fields marked below.");
  await checkA11y(page, "the Life Account broadcast form with errors");
  await url.fill("https://shop.example.com/orders/1001");
  await page.getByLabel("Footer link text").fill("查看详情");
  await page.getByRole("button", { name: "Start broadcast" }).click();
  await page.locator(".head .badge", { hasText: "Completed" }).waitFor({ timeout: 45_000 });
  assert.match(await page.locator(".progress").first().innerText(), /1 sent/);

  // The template page sets the default landing page for the next time.
  await page.goto(`/console/#/templates/${lifeChannelId}`);
  await page.getByRole("button", { name: "Landing page of Order status" }).click();
  await page.getByLabel("Default landing page (https URL)").fill("https://shop.example.com/orders");
  await page.getByLabel("Default footer link text").fill("查看订单");
  await page.getByRole("button", { name: "Save landing page" }).click();
  await page.getByRole("row", { name: /Order status/ }).getByText("https://shop.example.com/orders").waitFor();
  await checkA11y(page, "the Life Account templates");
});

test("at phone width the console stays readable", async () => {
  const phone = await (await context(browser, 390, 844)).newPage();
  await signIn(phone, adminKey);
  await phone.getByRole("cell", { name: /Acme mini program/ }).waitFor();
  await checkA11y(phone, "the channels at phone width");
  await shot(phone, "channels-phone");
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 1, `the page scrolls sideways by ${overflow}px`);
  // Every section tab is in view, and the message filters start folded away.
  const nav = phone.getByRole("navigation", { name: "Sections" });
  for (const name of ["Channels", "Templates", "Subscriptions", "Messages", "Webhooks", "Broadcasts"]) {
    assert.ok(await nav.getByRole("link", { name }).isVisible(), `${name} is hidden`);
    const box = (await nav.getByRole("link", { name }).boundingBox())!;
    assert.ok(box.x >= 0 && box.x + box.width <= 390, `${name} is off screen`);
  }
  await nav.getByRole("link", { name: "Messages" }).click();
  await phone.getByRole("button", { name: /^Filters/ }).click();
  await phone.getByLabel("State").waitFor();
  await checkA11y(phone, "the messages at phone width");
  await phone.context().close();
});

test("a viewer sees no button that would fail", async () => {
  const viewer = await (await context(browser)).newPage();
  await signIn(viewer, viewerKey);
  await viewer.getByRole("cell", { name: /Acme mini program/ }).waitFor();
  assert.equal(await viewer.getByRole("link", { name: "New channel" }).count(), 0, "the create button is shown to a viewer");
  assert.equal(await viewer.getByRole("button", { name: "New channel" }).count(), 0, "the create button is shown to a viewer");
  await viewer.goto(`/console/#/channels/${channelId}`);
  await viewer.getByRole("heading", { name: "Acme mini program" }).waitFor();
  for (const name of ["Verify with Alipay", "Disable…", "Rotate credentials…", "Delete…", "Edit policy"]) {
    assert.equal(await viewer.getByRole("button", { name }).count(), 0, `${name} is shown to a viewer`);
  }
  await viewer.goto(`/console/#/templates/${channelId}`);
  await viewer.getByRole("cell", { name: /Payment received/ }).waitFor();
  assert.equal(await viewer.getByRole("button", { name: "Import by pasting" }).count(), 0);
  await checkA11y(viewer, "the viewer's templates");
  await viewer.context().close();
});

test("a sender may send and broadcast, not manage channels", async () => {
  const sender = await (await context(browser)).newPage();
  await signIn(sender, senderKey);
  await sender.getByRole("cell", { name: /Acme mini program/ }).waitFor();
  assert.equal(await sender.getByRole("link", { name: "New channel" }).count(), 0);
  await sender.goto("/console/#/broadcasts");
  await sender.getByRole("button", { name: "New broadcast" }).waitFor();
  await sender.goto(`/console/#/subscriptions/${channelId}`);
  await sender.getByRole("button", { name: "Record a subscribe result" }).waitFor();
  await sender.goto(`/console/#/templates/${channelId}`);
  await sender.getByRole("cell", { name: /Payment received/ }).waitFor();
  assert.equal(await sender.getByRole("button", { name: "Import by pasting" }).count(), 0);
  await sender.context().close();
});

test("signing out ends the session", async () => {
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.getByLabel("API key").waitFor();
  assert.equal(await page.getByRole("status").innerText(), "Signed out.");
  // The sign-in page's session check is an ordinary answer, not a 401 logged as an error.
  const errors: string[] = [];
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  await page.reload();
  await page.getByLabel("API key").waitFor();
  const r = await page.request.get("/console/api/session", { headers: { "X-Reach-Console": "1" } });
  assert.equal(r.status(), 200);
  assert.deepEqual(await r.json(), { signed_in: false });
  assert.deepEqual(errors, []);
});

test("no Content-Security-Policy violation and no uncaught error on any page", () => {
  assert.deepEqual(problems, []);
});
