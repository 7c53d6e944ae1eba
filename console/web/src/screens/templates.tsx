// Templates of a channel: list, import by pasting what Alipay's console shows, create by
// fields, claim from the Life Account library, and revive one Alipay had called invalid.
import { useState } from "preact/hooks";
import { api, id, unwrap, type Schemas } from "../api";
import { state, when } from "../format";
import { useCan } from "../identity";
import { TableWrap } from "../ui/table";
import { Badge, Empty, ErrorBanner, Loading, Notice } from "../ui/feedback";
import { fieldErrors, useAction, useFlash, useLoad } from "../ui/hooks";
import { ChannelPicker } from "./channel_picker";
import { ClaimForm, CreateForm, ImportForm, LifeDefaults, setLifeDefaults } from "./template_forms";

type Template = Schemas["v1Template"];
type Panel = "" | "import" | "create" | "claim";

export function Templates({ channel }: { channel?: string }) {
  return <ChannelPicker section="templates" channel={channel}>{(ch) => <ChannelTemplates key={ch.name} ch={ch} />}</ChannelPicker>;
}

function ChannelTemplates({ ch }: { ch: Schemas["v1Channel"] }) {
  const manage = useCan("manage");
  const channel = id(ch.name);
  const [panel, setPanel] = useState<Panel>("");
  const [done, setDone] = useFlash();
  const [editing, setEditing] = useState<Template | undefined>(undefined);
  const list = useLoad(() => unwrap(api.GET("/v1/channels/{channel}/templates", { params: { path: { channel }, query: { pageSize: 500 } } })), [channel]);
  const act = useAction();
  const templates = list.data?.templates ?? [];
  const life = ch.type === "CHANNEL_TYPE_ALIPAY_LIFE_ACCOUNT";
  const created = (t: Template | undefined) => {
    if (!t) return;
    setPanel("");
    setDone(`Template ${t.displayName} (${id(t.name)}) saved.`);
    list.reload();
  };
  const revive = (t: Template) =>
    act.run(() => unwrap(api.PATCH("/v1/channels/{channel}/templates/{template}", {
      params: { path: { channel, template: id(t.name) } }, body: { state: "TEMPLATE_STATE_ACTIVE" },
    }))).then((r) => { if (r) { setDone(`${t.displayName} is active again.`); list.reload(); } });
  return (
    <section>
      <div class="head">
        <h1>Templates</h1>
        {manage && (
          <div class="actions">
            <button type="button" class={panel === "import" ? "primary" : ""} aria-expanded={panel === "import"} onClick={() => setPanel(panel === "import" ? "" : "import")}>Import by pasting</button>
            <button type="button" aria-expanded={panel === "create"} onClick={() => setPanel(panel === "create" ? "" : "create")}>Create by fields</button>
            {life && <button type="button" aria-expanded={panel === "claim"} onClick={() => setPanel(panel === "claim" ? "" : "claim")}>Claim from library</button>}
          </div>
        )}
      </div>
      <p class="lead">{life ? "生活号 template messages (模板消息)" : ch.type === "CHANNEL_TYPE_ALIPAY_MINI_PROGRAM" ? "小程序 订阅消息 subscription message templates" : "Alipay+ message templates"} of {ch.displayName}. Alipay has no API that lists them: import each one here.</p>
      {done && <Notice>{done}</Notice>}
      <ErrorBanner error={act.error ?? list.error} />
      {panel === "import" && <ImportForm ch={ch} onDone={created} />}
      {panel === "create" && <CreateForm ch={ch} onDone={created} />}
      {panel === "claim" && <ClaimForm ch={ch} onDone={created} />}
      {editing && <LifeEdit key={editing.name} t={editing} onClose={() => setEditing(undefined)} onDone={(t) => { setEditing(undefined); created(t); }} />}
      {list.loading && !list.data ? <Loading /> : templates.length === 0 ? (
        <Empty title="No templates on this channel yet.">
          {manage ? <p>Copy a template's text from the Alipay console and use <strong>Import by pasting</strong>.</p> : <p>An admin imports templates from the Alipay console.</p>}
        </Empty>
      ) : (
        <TableWrap label={`Templates of ${ch.displayName}`}>
            <thead><tr><th scope="col">Template</th><th scope="col">Alipay id</th><th scope="col">Keywords</th><th scope="col">State</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
            <tbody>
              {templates.map((t) => (
                <tr key={t.name}>
                  <td>{t.displayName}<div class="sub mono id" title={id(t.name)}>{id(t.name)}</div>{t.subscriptionType && t.subscriptionType !== "SUBSCRIPTION_TYPE_UNSPECIFIED" && <div class="sub">{state(t.subscriptionType)}</div>}</td>
                  <td class="mono">{t.externalId}</td>
                  <td>{(t.keywords ?? []).map((k) => <span key={k.key} class="kw"><code>{k.key}</code> {k.label}</span>)}
                    {life && <div class="sub">{t.lifeAccount?.url ? <>Opens <span class="mono">{t.lifeAccount.url}</span>{t.lifeAccount.actionName ? ` · “${t.lifeAccount.actionName}”` : ""}</> : "No default landing page"}</div>}</td>
                  <td><Badge value={t.state} />{t.stateReason && <div class="sub reason">{t.stateReason} · {when(t.invalidTime)}</div>}</td>
                  <td>
                    {manage && t.state === "TEMPLATE_STATE_INVALID" && <button type="button" onClick={() => revive(t)} disabled={act.busy}>Re-activate</button>}
                    {manage && life && <button type="button" aria-label={`Landing page of ${t.displayName}`} onClick={() => { setPanel(""); setEditing(t); }}>Landing page…</button>}
                  </td>
                </tr>
              ))}
            </tbody>
          </TableWrap>
      )}
    </section>
  );
}

// LifeEdit sets a Life Account template's default landing page and footer link text.
function LifeEdit({ t, onClose, onDone }: { t: Template; onClose: () => void; onDone: (t: Template | undefined) => void }) {
  const [url, setUrl] = useState(t.lifeAccount?.url ?? "");
  const [action, setAction] = useState(t.lifeAccount?.actionName ?? "");
  const act = useAction();
  const errors = fieldErrors(act.error);
  async function submit(e: Event) {
    e.preventDefault();
    const r = await act.run(() => setLifeDefaults(t, url, action));
    if (r) onDone(r);
  }
  return (
    <form class="form panel" onSubmit={submit} aria-label={`Landing page of ${t.displayName}`}>
      <h2>Landing page of {t.displayName}</h2>
      <ErrorBanner error={act.error} shown={Object.keys(errors).filter((f) => f.startsWith("life_account"))} />
      <LifeDefaults url={url} setUrl={setUrl} action={action} setAction={setAction} errors={errors} />
      <div class="actions">
        <button type="button" onClick={onClose}>Cancel</button>
        <button class="primary" type="submit" disabled={act.busy}>Save landing page</button>
      </div>
    </form>
  );
}
