// A web client of Reach's JSON gateway in TypeScript: the types are gen/ts/reach.d.ts
// (make generate), the calls go through openapi-fetch, so a path, a field or an enum value
// the API does not have is a compile error.
//
// It creates a mini program channel and a long-term template, records the user's
// subscription, sends a message, reads it back until it is SENT, and checks that a send
// missing a keyword is answered 400 with a google.rpc.BadRequest naming data[keyword2].
// Any other answer ends it with exit code 1. `make test-clients` runs it against the
// Alipay simulator; it reads:
//   REACH_URL                    the HTTP/JSON address, e.g. http://127.0.0.1:8080
//   REACH_API_KEY                an API key with the admin role
//   ALIPAY_GATEWAY_URL           the channel's Alipay gateway (the simulator's /gateway.do)
//   ALIPAY_APP_ID                the mini program's app id
//   ALIPAY_APP_PRIVATE_KEY_FILE  its private key (PEM)
//   ALIPAY_PUBLIC_KEY_FILE       Alipay's public key (PEM)
//   ALIPAY_TEMPLATE_ID           a long-term template the user accepted in the mini program
//   ALIPAY_USER_ID               that user (2088…)
import { readFileSync } from "node:fs";
import createClient from "openapi-fetch";
import type { components, paths } from "../../gen/ts/reach.js";

type Message = components["schemas"]["v1Message"];
type Status = components["schemas"]["rpcStatus"];

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

// Each check that fails ends the program with what was expected and what came back.
function check(ok: boolean, what: string, got: unknown): void {
  if (!ok) throw new Error(`${what}; got ${JSON.stringify(got)}`);
}

// A failed call is a google.rpc.Status; the HTTP status says which gRPC code it is.
function failed(step: string, status: number, error: Status): Error {
  return new Error(`${step}: HTTP ${status}: ${JSON.stringify(error)}`);
}

const reach = createClient<paths>({
  baseUrl: env("REACH_URL"),
  headers: { Authorization: `Bearer ${env("REACH_API_KEY")}` },
});

async function main(): Promise<void> {
  const channelId = `ts-example-${Date.now().toString(36)}`;
  const templateExternalId = env("ALIPAY_TEMPLATE_ID");
  const user = { userId: env("ALIPAY_USER_ID") };

  // 1. A channel: Reach verifies the credentials with Alipay before it answers.
  const created = await reach.POST("/v1/channels", {
    params: { query: { channelId } },
    body: {
      displayName: "TypeScript example",
      type: "CHANNEL_TYPE_ALIPAY_MINI_PROGRAM",
      openPlatform: {
        appId: env("ALIPAY_APP_ID"),
        appPrivateKey: readFileSync(env("ALIPAY_APP_PRIVATE_KEY_FILE"), "utf8"),
        alipayPublicKey: readFileSync(env("ALIPAY_PUBLIC_KEY_FILE"), "utf8"),
        gatewayUrl: env("ALIPAY_GATEWAY_URL"),
      },
    },
  });
  if (created.error) throw failed("CreateChannel", created.response.status, created.error);
  const channel = created.data.channel;
  check(channel?.state === "CHANNEL_STATE_ENABLED", "the channel should be ENABLED", channel);
  console.log(`channel ${channel?.name} ${channel?.state}`);

  // 2. A template of that channel (its external id is the one in the Alipay console).
  const template = await reach.POST("/v1/channels/{channel}/templates", {
    params: { path: { channel: channelId }, query: { templateId: "order-shipped" } },
    body: {
      externalId: templateExternalId,
      displayName: "Order shipped",
      subscriptionType: "SUBSCRIPTION_TYPE_LONG_TERM",
      keywords: [
        { key: "keyword1", label: "Order number" },
        { key: "keyword2", label: "Carrier" },
      ],
    },
  });
  if (template.error) throw failed("CreateTemplate", template.response.status, template.error);
  const templateName = template.data.template?.name ?? "";
  console.log(`template ${templateName}`);

  // 3. The user accepted it in the mini program: pass my.requestSubscribeMessage's result.
  const resultJson = JSON.stringify({
    behavior: "subscribe", show: true, keep: true,
    result: { subscribeEntityIds: [templateExternalId], subscribedEntityIds: [templateExternalId],
      unsubscribedEntityIds: [], currentSubscribedEntityIds: [templateExternalId] },
    [templateExternalId]: "accept",
  });
  const recorded = await reach.POST("/v1/channels/{channel}/subscriptions:recordSubscribeResult", {
    params: { path: { channel: channelId } },
    body: { user, resultJson },
  });
  if (recorded.error) throw failed("RecordSubscribeResult", recorded.response.status, recorded.error);

  // 4. Send; requestId makes the call idempotent.
  const sent = await reach.POST("/v1/messages:send", {
    body: {
      requestId: `${channelId}-order-1001`,
      template: templateName,
      recipient: user,
      data: { keyword1: "1001", keyword2: "SF Express" },
      page: "pages/orders/detail?id=1001",
    },
  });
  if (sent.error) throw failed("SendMessage", sent.response.status, sent.error);
  const queued = sent.data.message;
  check(queued?.state === "MESSAGE_STATE_QUEUED", "the message should be QUEUED", queued);
  console.log(`message ${queued?.name} ${queued?.state}`);

  // 5. Read it back until the dispatcher has handed it to Alipay.
  const message = await waitSent(queued?.name ?? "");
  console.log(`message ${message.name} ${message.state} at ${message.sentTime}`);

  // 6. Bad input: a keyword is missing. 400 = INVALID_ARGUMENT, with the field named.
  const bad = await reach.POST("/v1/messages:send", {
    body: { requestId: `${channelId}-bad`, template: templateName, recipient: user, data: { keyword1: "1002" } },
  });
  check(bad.response.status === 400 && bad.error?.code === 3, "a missing keyword should be INVALID_ARGUMENT (400, code 3)", bad.error);
  const fields = (bad.error?.details ?? [])
    .filter((d) => d["@type"] === "type.googleapis.com/google.rpc.BadRequest")
    .flatMap((d) => (d.fieldViolations as { field: string }[] | undefined) ?? [])
    .map((v) => v.field);
  check(fields.includes("data[keyword2]"), "the BadRequest should name data[keyword2]", bad.error);
  console.log(`bad input: ${bad.response.status} ${bad.error?.message}`);
}

// waitSent reads the message every 50 ms until it is SENT; another end state fails.
async function waitSent(name: string): Promise<Message> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const got = await reach.GET("/v1/messages/{message}", {
      params: { path: { message: name.replace(/^messages\//, "") } },
    });
    if (got.error) throw failed("GetMessage", got.response.status, got.error);
    const message = got.data.message ?? {};
    if (message.state === "MESSAGE_STATE_SENT") return message;
    check(message.state === "MESSAGE_STATE_QUEUED" || message.state === "MESSAGE_STATE_SENDING",
      "the message should be on its way", message);
    check(Date.now() < deadline, "the message should be SENT within 15 s", message);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

main().then(
  () => console.log("typescript example: ok"),
  (err: unknown) => {
    console.error(`typescript example: FAILED: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
