// The three ways to add a template. Each shows the server's objections at the field.
import { useState } from "preact/hooks";
import { api, id, unwrap, type Schemas } from "../api";
import { Area, Check, Select, Text } from "../ui/fields";
import { ErrorBanner } from "../ui/feedback";
import { fieldErrors, useAction } from "../ui/hooks";

type Template = Schemas["v1Template"];
type SubType = Schemas["v1SubscriptionType"];
type Props = { ch: Schemas["v1Channel"]; onDone: (t: Template | undefined) => void };

const subTypes: [SubType, string][] = [
  ["SUBSCRIPTION_TYPE_ONE_TIME", "One-time (一次性订阅): each acceptance allows one message"],
  ["SUBSCRIPTION_TYPE_LONG_TERM", "Long-term (长期订阅): until the user turns it off"],
];

const isMini = (ch: Schemas["v1Channel"]) => ch.type === "CHANNEL_TYPE_ALIPAY_MINI_PROGRAM";
export const isLife = (ch: Schemas["v1Channel"] | undefined) => ch?.type === "CHANNEL_TYPE_ALIPAY_LIFE_ACCOUNT";
const lifeFields = ["life_account.url", "life_account.action_name"];

// A Life Account template's default landing page and footer link text. Messages and
// broadcasts of a template without them must carry their own.
export function LifeDefaults(p: { url: string; setUrl: (v: string) => void; action: string; setAction: (v: string) => void; errors: Record<string, string> }) {
  return (
    <>
      <Text name="life_account.url" label="Default landing page (https URL)" type="url" value={p.url} onInput={p.setUrl} errors={p.errors}
        placeholder="https://shop.example.com/orders" hint="Opened when the follower taps the message. Empty: every message must give one." />
      <Text name="life_account.action_name" label="Default footer link text" value={p.action} onInput={p.setAction} errors={p.errors}
        placeholder="查看详情" hint="At most 16 characters. Empty: every message must give one." />
    </>
  );
}

// setLifeDefaults saves a Life Account template's landing page and footer text
// (UpdateTemplate, update_mask=life_account), keeping its other Life Account options. Import
// and claim cannot carry them, so they follow with this call.
export async function setLifeDefaults(t: Template, url: string, actionName: string): Promise<Template | undefined> {
  const [, channel = "", , template = ""] = (t.name ?? "").split("/");
  // The gateway reads update_mask from the query; the OpenAPI document leaves it out.
  const query = { update_mask: "life_account" } as unknown as never;
  const r = await unwrap(api.PATCH("/v1/channels/{channel}/templates/{template}", {
    params: { path: { channel, template }, query },
    body: { lifeAccount: { ...(t.lifeAccount ?? {}), url: url.trim(), actionName: actionName.trim() } },
  }));
  return r.template;
}
const shownOf = (errors: Record<string, string>, names: string[]) => Object.keys(errors).filter((f) => names.includes(f));

export function ImportForm({ ch, onDone }: Props) {
  const [content, setContent] = useState("");
  const [externalId, setExternalId] = useState("");
  const [displayName, setDisplayName] = useState("");
  const [templateId, setTemplateId] = useState("");
  const [subType, setSubType] = useState<SubType>("SUBSCRIPTION_TYPE_ONE_TIME");
  const [url, setUrl] = useState("");
  const [action, setAction] = useState("");
  const act = useAction();
  const errors = fieldErrors(act.error);
  async function submit(e: Event) {
    e.preventDefault();
    const r = await act.run(async () => {
      const t = (await unwrap(api.POST("/v1/channels/{channel}/templates:import", {
        params: { path: { channel: id(ch.name) } },
        body: { content, externalId: externalId || undefined, displayName: displayName || undefined, templateId: templateId || undefined,
          subscriptionType: isMini(ch) ? subType : undefined },
      }))).template;
      return t && isLife(ch) && (url || action) ? await setLifeDefaults(t, url, action) : t;
    });
    onDone(r);
  }
  return (
    <form class="form panel" onSubmit={submit} aria-label="Import a template by pasting">
      <h2>Import by pasting</h2>
      <ErrorBanner error={act.error} shown={shownOf(errors, ["content", "external_id", "display_name", "template_id", "subscription_type", ...lifeFields])} />
      <Area name="content" label="Text copied from Alipay (模板内容)" required rows={7} mono value={content} onInput={setContent} errors={errors}
        placeholder={"交易金额：{{keyword1.DATA}}\n交易时间：{{keyword2.DATA}}"}
        hint="The template's content from the console, the template JSON of a claim (title, key1/value1…), or lines of keyword1: label." />
      <Text name="external_id" label="Alipay template id (模板ID)" value={externalId} onInput={setExternalId} errors={errors} hint="Needed unless the pasted text carries it." />
      <Text name="display_name" label="Display name" value={displayName} onInput={setDisplayName} errors={errors} hint="Empty: the template's title." />
      <Text name="template_id" label="Id in Reach" value={templateId} onInput={setTemplateId} errors={errors} hint="Used in the API (channels/…/templates/ID). Empty: one is made up." />
      {isMini(ch) && <Select<SubType> name="subscription_type" label="Subscription type" value={subType} onChange={setSubType} options={subTypes} errors={errors} />}
      {isLife(ch) && <LifeDefaults url={url} setUrl={setUrl} action={action} setAction={setAction} errors={errors} />}
      <div class="actions"><button class="primary" type="submit" disabled={act.busy}>Import template</button></div>
    </form>
  );
}

// keywords reads "keyword1: 订单号" lines.
function keywords(text: string): Schemas["v1TemplateKeyword"][] {
  return text.split("\n").map((l) => l.trim()).filter(Boolean).map((l) => {
    const [key = "", ...rest] = l.split(/[:：=]/);
    return { key: key.trim(), label: rest.join(":").trim() };
  });
}

export function CreateForm({ ch, onDone }: Props) {
  const [externalId, setExternalId] = useState("");
  const [displayName, setDisplayName] = useState("");
  const [templateId, setTemplateId] = useState("");
  const [kw, setKw] = useState("keyword1: \nkeyword2: ");
  const [page, setPage] = useState("");
  const [subType, setSubType] = useState<SubType>("SUBSCRIPTION_TYPE_ONE_TIME");
  const [url, setUrl] = useState("");
  const [action, setAction] = useState("");
  const act = useAction();
  const errors = fieldErrors(act.error);
  // Violations of one keyword ("keywords[1].key") are shown at the keywords box.
  const kwErr = Object.entries(errors).filter(([f]) => f.startsWith("keywords")).map(([f, d]) => `${f}: ${d}`).join("; ");
  const shown = { ...errors, ...(kwErr ? { keywords: kwErr } : {}) };
  async function submit(e: Event) {
    e.preventDefault();
    const r = await act.run(() => unwrap(api.POST("/v1/channels/{channel}/templates", {
      params: { path: { channel: id(ch.name) }, query: { templateId: templateId || undefined } },
      body: { externalId, displayName, keywords: keywords(kw), subscriptionType: isMini(ch) ? subType : undefined,
        miniProgram: isMini(ch) && page ? { page } : undefined,
        lifeAccount: isLife(ch) && (url || action) ? { url: url.trim(), actionName: action.trim() } : undefined },
    })));
    onDone(r?.template);
  }
  return (
    <form class="form panel" onSubmit={submit} aria-label="Create a template by fields">
      <h2>Create by fields</h2>
      <ErrorBanner error={act.error} shown={[...shownOf(errors, ["external_id", "display_name", "subscription_type", "mini_program.page", ...lifeFields]), ...Object.keys(errors).filter((f) => f.startsWith("keywords"))]} />
      <Text name="external_id" label="Alipay template id (模板ID)" required value={externalId} onInput={setExternalId} errors={errors} />
      <Text name="display_name" label="Display name" required value={displayName} onInput={setDisplayName} errors={errors} />
      <Text name="template_id" label="Id in Reach" value={templateId} onInput={setTemplateId} errors={errors} />
      <Area name="keywords" label="Keywords, one per line: key: label" mono rows={5} value={kw} onInput={setKw} errors={shown} hint="In Alipay's order, for example keyword1: 订单号." />
      {isMini(ch) && <Select<SubType> name="subscription_type" label="Subscription type" value={subType} onChange={setSubType} options={subTypes} errors={errors} />}
      {isMini(ch) && <Text name="mini_program.page" label="Default page opened from the message" value={page} onInput={setPage} errors={errors} placeholder="pages/index/index" />}
      {isLife(ch) && <LifeDefaults url={url} setUrl={setUrl} action={action} setAction={setAction} errors={errors} />}
      <div class="actions"><button class="primary" type="submit" disabled={act.busy}>Create template</button></div>
    </form>
  );
}

export function ClaimForm({ ch, onDone }: Props) {
  const [libCode, setLibCode] = useState("");
  const [kws, setKws] = useState("");
  const [templateId, setTemplateId] = useState("");
  const [first, setFirst] = useState(false);
  const [remark, setRemark] = useState(false);
  const [url, setUrl] = useState("");
  const [action, setAction] = useState("");
  const act = useAction();
  const errors = fieldErrors(act.error);
  async function submit(e: Event) {
    e.preventDefault();
    const r = await act.run(async () => {
      const t = (await unwrap(api.POST("/v1/channels/{channel}/templates:claim", {
        params: { path: { channel: id(ch.name) } },
        body: { libCode, keywords: kws.split(/[,，\n]/).map((k) => k.trim()).filter(Boolean), templateId: templateId || undefined, firstEnabled: first, remarkEnabled: remark },
      }))).template;
      return t && (url || action) ? await setLifeDefaults(t, url, action) : t;
    });
    onDone(r);
  }
  return (
    <form class="form panel" onSubmit={submit} aria-label="Claim a template from the library">
      <h2>Claim from the 生活号 template library (模板库)</h2>
      <ErrorBanner error={act.error} shown={shownOf(errors, ["lib_code", "keywords", "template_id", ...lifeFields])} />
      <Text name="lib_code" label="Library template id (lib_code)" required value={libCode} onInput={setLibCode} errors={errors} placeholder="TM…" />
      <Text name="keywords" label="Keywords to combine, in order (2 to 5, comma-separated)" required value={kws} onInput={setKws} errors={errors} placeholder="交易笔数, 交易金额" />
      <Text name="template_id" label="Id in Reach" value={templateId} onInput={setTemplateId} errors={errors} />
      <Check name="first" label="Include the opening line (first)" checked={first} onChange={setFirst} />
      <Check name="remark" label="Include the closing line (remark)" checked={remark} onChange={setRemark} />
      <LifeDefaults url={url} setUrl={setUrl} action={action} setAction={setAction} errors={errors} />
      <div class="actions"><button class="primary" type="submit" disabled={act.busy}>Claim at Alipay</button></div>
    </form>
  );
}
