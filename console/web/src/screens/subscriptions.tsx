// The ledger of a channel: who may be messaged with which template. Filter it, record what
// a user answered in the mini program, or ask Alipay (sync).
import { useState } from "preact/hooks";
import { api, id, unwrap, type Schemas } from "../api";
import { state, user, when } from "../format";
import { useCan } from "../identity";
import { Area, Select, Text } from "../ui/fields";
import { TableWrap } from "../ui/table";
import { Badge, Empty, ErrorBanner, Loading, Notice } from "../ui/feedback";
import { fieldErrors, useAction, useFlash, useLoad } from "../ui/hooks";
import { ChannelPicker } from "./channel_picker";

type State = Schemas["v1SubscriptionState"] | "";
type Kind = Schemas["v1SubscriptionKind"] | "";

export function Subscriptions({ channel }: { channel?: string }) {
  return <ChannelPicker section="subscriptions" channel={channel}>{(ch) => <Ledger key={ch.name} ch={ch} />}</ChannelPicker>;
}

const q = (s: string) => JSON.stringify(s);

function Ledger({ ch }: { ch: Schemas["v1Channel"] }) {
  const send = useCan("send");
  const channel = id(ch.name);
  const [userId, setUserId] = useState("");
  const [template, setTemplate] = useState("");
  const [st, setSt] = useState<State>("");
  const [kind, setKind] = useState<Kind>("");
  const [filter, setFilter] = useState("");
  const [panel, setPanel] = useState<"" | "record" | "sync">("");
  const [done, setDone] = useFlash();
  const templates = useLoad(() => unwrap(api.GET("/v1/channels/{channel}/templates", { params: { path: { channel }, query: { pageSize: 500 } } })).then((r) => r.templates ?? []), [channel]);
  const list = useLoad(() => unwrap(api.GET("/v1/channels/{channel}/subscriptions", { params: { path: { channel }, query: { pageSize: 200, filter: filter || undefined } } })), [channel, filter]);
  const rows = list.data?.subscriptions ?? [];
  function apply(e: Event) {
    e.preventDefault();
    const terms: string[] = [];
    const u = userId.trim();
    if (u) terms.push(u.startsWith("2088") ? `user_id = ${q(u)}` : `open_id = ${q(u)}`);
    if (template) terms.push(`template = ${q(template)}`);
    if (st) terms.push(`state = ${st.replace("SUBSCRIPTION_STATE_", "")}`);
    if (kind) terms.push(`kind = ${kind.replace("SUBSCRIPTION_KIND_", "")}`);
    setFilter(terms.join(" AND "));
  }
  const mini = ch.type === "CHANNEL_TYPE_ALIPAY_MINI_PROGRAM";
  return (
    <section>
      <div class="head">
        <h1>Subscriptions</h1>
        {send && mini && (
          <div class="actions">
            <button type="button" aria-expanded={panel === "record"} onClick={() => setPanel(panel === "record" ? "" : "record")}>Record a subscribe result</button>
            <button type="button" aria-expanded={panel === "sync"} onClick={() => setPanel(panel === "sync" ? "" : "sync")}>Sync a user with Alipay</button>
          </div>
        )}
      </div>
      <p class="lead">{mini ? "Users who accepted 订阅消息 (subscription message) templates of this 小程序." : ch.type === "CHANNEL_TYPE_ALIPAY_LIFE_ACCOUNT" ? "Followers of this 生活号 (Life Account): Alipay tells Reach when users follow or unfollow." : "Users who authorized this Alipay+ mini program."}</p>
      {done && <Notice>{done}</Notice>}
      {panel === "record" && <Record channel={channel} onDone={(n) => { setPanel(""); setDone(n); list.reload(); }} />}
      {panel === "sync" && <Sync channel={channel} onDone={(n) => { setPanel(""); setDone(n); list.reload(); }} />}
      <form class="filters" onSubmit={apply} aria-label="Filter subscriptions">
        <Text name="user" label="User (2088… or open id)" value={userId} onInput={setUserId} />
        <Select name="template" label="Template" value={template} onChange={setTemplate}
          options={[["", "any"], ...(templates.data ?? []).map((t): [string, string] => [t.name ?? "", t.displayName ?? id(t.name)])]} />
        <Select<State> name="state" label="State" value={st} onChange={setSt}
          options={[["", "any"], ...(["ACTIVE", "REJECTED", "EXHAUSTED", "CANCELLED", "EXPIRED"] as const).map((s): [State, string] => [`SUBSCRIPTION_STATE_${s}`, state(`SUBSCRIPTION_STATE_${s}`)])]} />
        <Select<Kind> name="kind" label="Kind" value={kind} onChange={setKind}
          options={[["", "any"], ["SUBSCRIPTION_KIND_TEMPLATE", "Template consent"], ["SUBSCRIPTION_KIND_FOLLOWER", "Follower (生活号)"], ["SUBSCRIPTION_KIND_AUTHORIZATION", "Authorization (Alipay+)"]]} />
        <button type="submit">Filter</button>
      </form>
      <ErrorBanner error={list.error} />
      {list.loading && !list.data ? <Loading /> : rows.length === 0 ? (
        <Empty title={filter ? "Nothing matches this filter." : "No subscriptions yet."}>
          {filter ? <p>Clear a field and filter again.</p> : mini ? <p>Record the result of <code>my.requestSubscribeMessage</code> from your mini program (the API's <code>recordSubscribeResult</code>, or the button above).</p> : <p>Rows appear as users follow or authorize.</p>}
        </Empty>
      ) : (
        <TableWrap label="Subscriptions">
            <thead><tr><th scope="col">User</th><th scope="col">Kind</th><th scope="col">Template</th><th scope="col">State</th><th scope="col">Sends left</th><th scope="col">Updated</th></tr></thead>
            <tbody>
              {rows.map((s) => (
                <tr key={s.name}>
                  <td><span class="mono id" title={user(s.user)}>{user(s.user)}</span></td>
                  <td>{state(s.kind)}{s.type && s.type !== "SUBSCRIPTION_TYPE_UNSPECIFIED" && <div class="sub">{state(s.type)}</div>}</td>
                  <td class="mono">{s.template ? id(s.template) : "—"}</td>
                  <td><Badge value={s.state} />{s.stateReason && <div class="sub reason">{s.stateReason}</div>}</td>
                  <td>{s.type === "SUBSCRIPTION_TYPE_ONE_TIME" ? s.remainingSends ?? "0" : "—"}</td>
                  <td>{when(s.updateTime)}</td>
                </tr>
              ))}
            </tbody>
          </TableWrap>
      )}
    </section>
  );
}

function Record({ channel, onDone }: { channel: string; onDone: (note: string) => void }) {
  const [userId, setUserId] = useState("");
  const [result, setResult] = useState("");
  const act = useAction();
  const errors = fieldErrors(act.error);
  async function submit(e: Event) {
    e.preventDefault();
    const r = await act.run(() => unwrap(api.POST("/v1/channels/{channel}/subscriptions:recordSubscribeResult", {
      params: { path: { channel } }, body: { user: { userId }, resultJson: result },
    })));
    if (r) onDone(`Recorded: ${state(r.outcome)}${r.unknownTemplateIds?.length ? `; unknown template ids ${r.unknownTemplateIds.join(", ")} (import them first)` : ""}.`);
  }
  return (
    <form class="form panel" onSubmit={submit} aria-label="Record a subscribe result">
      <h2>Record a subscribe result</h2>
      <ErrorBanner error={act.error} shown={Object.keys(errors).filter((f) => ["user.user_id", "result_json"].includes(f))} />
      <Text name="user.user_id" label="User id (2088…)" required value={userId} onInput={setUserId} errors={errors} />
      <Area name="result_json" label="my.requestSubscribeMessage result (JSON, as the mini program got it)" required mono rows={5} value={result} onInput={setResult} errors={errors} />
      <div class="actions"><button class="primary" type="submit" disabled={act.busy}>Record</button></div>
    </form>
  );
}

function Sync({ channel, onDone }: { channel: string; onDone: (note: string) => void }) {
  const [userId, setUserId] = useState("");
  const act = useAction();
  const errors = fieldErrors(act.error);
  async function submit(e: Event) {
    e.preventDefault();
    const r = await act.run(() => unwrap(api.POST("/v1/channels/{channel}/subscriptions:sync", { params: { path: { channel } }, body: { user: { userId } } })));
    if (r) onDone(`Synced with Alipay: ${r.subscriptions?.length ?? 0} rows.`);
  }
  return (
    <form class="form panel" onSubmit={submit} aria-label="Sync a user with Alipay">
      <h2>Ask Alipay about a user</h2>
      <ErrorBanner error={act.error} shown={Object.keys(errors).filter((f) => f === "user.user_id")} />
      <Text name="user.user_id" label="User id (2088…)" required value={userId} onInput={setUserId} errors={errors} hint="Every active template of the channel is asked about." />
      <div class="actions"><button class="primary" type="submit" disabled={act.busy}>Sync</button></div>
    </form>
  );
}
