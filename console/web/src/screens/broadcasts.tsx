// Broadcasts: one template to every recipient the ledger knows, with progress as it runs;
// pause, resume or cancel it.
import { useEffect, useState } from "preact/hooks";
import { api, id, unwrap, type Schemas } from "../api";
import { parseWhen, state, timeZone, when } from "../format";
import { useCan } from "../identity";
import { go, href } from "../router";
import { Confirm } from "../ui/dialog";
import { Select, Text } from "../ui/fields";
import { TableWrap } from "../ui/table";
import { Badge, Empty, ErrorBanner, Loading } from "../ui/feedback";
import { fieldErrors, useAction, useLoad } from "../ui/hooks";
import { useChannels } from "./channel_picker";
import { isLife } from "./template_forms";
import { templateLabel, useTemplateNames } from "./template_names";

type Broadcast = Schemas["v1Broadcast"];
type Category = Schemas["v1MessageCategory"];

export function Broadcasts({ id: broadcastId }: { id?: string; sub?: string }) {
  return broadcastId ? <BroadcastDetail broadcastId={broadcastId} /> : <BroadcastList />;
}

function Progress({ b }: { b: Broadcast }) {
  const p = b.progress ?? {};
  const parts: [string, string | undefined][] = [["sent", p.sent], ["queued", p.queued], ["failed", p.failed], ["skipped", p.skipped], ["cancelled", p.cancelled], ["expired", p.expired]];
  const total = Number(b.enqueued ?? 0);
  return (
    <div class="progress">
      <div class="bar" role="img" aria-label={`${p.sent ?? 0} of ${total} sent`}>
        {total > 0 && parts.map(([k, v]) => Number(v ?? 0) > 0 && <span key={k} class={"seg " + k} style={{ width: `${(100 * Number(v)) / total}%` }} />)}
      </div>
      <p class="sub">{total} enqueued{b.enqueueDone ? "" : " so far"} · {parts.filter(([, v]) => Number(v ?? 0) > 0).map(([k, v]) => `${v} ${k}`).join(" · ") || "nothing sent yet"}</p>
    </div>
  );
}

function BroadcastList() {
  const send = useCan("send");
  const list = useLoad(() => unwrap(api.GET("/v1/broadcasts", { params: { query: { pageSize: 100 } } })), []);
  const [creating, setCreating] = useState(false);
  const rows = list.data?.broadcasts ?? [];
  const names = useTemplateNames(rows.map((b) => b.template));
  return (
    <section>
      <div class="head">
        <h1>Broadcasts</h1>
        {send && <button type="button" class="primary" aria-expanded={creating} onClick={() => setCreating(!creating)}>New broadcast</button>}
      </div>
      <p class="lead">A broadcast sends one template to every active recipient of its channel: every 生活号 follower, every subscriber of a 订阅消息 template, every user who authorized an Alipay+ mini program.</p>
      {creating && <CreateBroadcast onDone={(b) => go("broadcasts", id(b.name))} />}
      <ErrorBanner error={list.error} />
      {list.loading && !list.data ? <Loading /> : rows.length === 0 ? (
        <Empty title="No broadcasts yet.">{send ? <p>Start one with <strong>New broadcast</strong>: pick a template and fill in its keywords.</p> : <p>Senders and admins start broadcasts.</p>}</Empty>
      ) : (
        <TableWrap label="Broadcasts">
            <thead><tr><th scope="col">Broadcast</th><th scope="col">Template</th><th scope="col">State</th><th scope="col">Progress</th><th scope="col">Starts</th></tr></thead>
            <tbody>
              {rows.map((b) => (
                <tr key={b.name}>
                  <td><a class="mono id" href={href("broadcasts", id(b.name))} title={id(b.name)}>{id(b.name)}</a>{b.requestId && <div class="sub mono id" title={b.requestId}>{b.requestId}</div>}</td>
                  <td title={b.template}>{templateLabel(names, b.template)}</td>
                  <td><Badge value={b.state} /></td>
                  <td><Progress b={b} /></td>
                  <td>{when(b.startTime ?? b.createTime)}</td>
                </tr>
              ))}
            </tbody>
          </TableWrap>
      )}
    </section>
  );
}

function CreateBroadcast({ onDone }: { onDone: (b: Broadcast) => void }) {
  const channels = useChannels();
  const [channel, setChannel] = useState("");
  const [template, setTemplate] = useState("");
  const [data, setData] = useState<Record<string, string>>({});
  const [category, setCategory] = useState<Category>("MESSAGE_CATEGORY_MARKETING");
  const [start, setStart] = useState("");
  const [badStart, setBadStart] = useState("");
  const [requestId, setRequestId] = useState("");
  const [page, setPage] = useState("");
  const [url, setUrl] = useState("");
  const [action, setAction] = useState("");
  const life = isLife(channels.data?.find((c) => id(c.name) === channel));
  const templates = useLoad(async () => channel ? (await unwrap(api.GET("/v1/channels/{channel}/templates", { params: { path: { channel }, query: { pageSize: 500 } } }))).templates ?? [] : [], [channel]);
  const tpl = templates.data?.find((t) => t.name === template);
  const act = useAction();
  const errors = fieldErrors(act.error);
  async function submit(e: Event) {
    e.preventDefault();
    let startTime = "";
    try {
      startTime = start.trim() ? parseWhen(start) : "";
      setBadStart("");
    } catch (err) {
      setBadStart((err as Error).message);
      return;
    }
    const r = await act.run(() => unwrap(api.POST("/v1/broadcasts", {
      body: { requestId: requestId || undefined, broadcast: { template, data, category, page: life ? undefined : page || undefined,
        lifeAccount: life && (url || action) ? { url: url.trim() || undefined, actionName: action.trim() || undefined } : undefined, startTime: startTime || undefined } },
    })));
    if (r?.broadcast) onDone(r.broadcast);
  }
  return (
    <form class="form panel" onSubmit={submit} aria-label="New broadcast">
      <h2>New broadcast</h2>
      <ErrorBanner error={act.error} shown={Object.keys(errors).filter((f) => /^(template|data|page|life_account\.(url|action_name)|start_time|request_id)/.test(f))} />
      <Select name="channel" label="Channel" value={channel} onChange={(v) => { setChannel(v); setTemplate(""); setData({}); }}
        options={[["", "choose a channel"], ...(channels.data ?? []).map((c): [string, string] => [id(c.name), c.displayName || id(c.name)])]} />
      <Select name="template" label="Template" value={template} onChange={(v) => { setTemplate(v); setData({}); }} errors={errors}
        options={[["", channel ? "choose a template" : "choose a channel first"], ...(templates.data ?? []).filter((t) => t.state === "TEMPLATE_STATE_ACTIVE").map((t): [string, string] => [t.name ?? "", t.displayName ?? id(t.name)])]} />
      {tpl?.keywords?.map((k) => (
        <Text key={k.key} name={`data[${k.key}]`} label={`${k.key}${k.label ? ` (${k.label})` : ""}`} required value={data[k.key ?? ""] ?? ""}
          onInput={(v) => setData({ ...data, [k.key ?? ""]: v })} errors={errors} />
      ))}
      {life ? (
        <>
          <Text name="life_account.url" label="Landing page (https URL)" type="url" value={url} onInput={setUrl} errors={errors}
            placeholder={tpl?.lifeAccount?.url || "https://shop.example.com/sale"}
            hint={tpl?.lifeAccount?.url ? `Empty: the template's ${tpl.lifeAccount.url}.` : "Required: this template has no default landing page."} />
          <Text name="life_account.action_name" label="Footer link text" value={action} onInput={setAction} errors={errors}
            placeholder={tpl?.lifeAccount?.actionName || "查看详情"}
            hint={tpl?.lifeAccount?.actionName ? `Empty: the template's “${tpl.lifeAccount.actionName}”.` : "At most 16 characters. Required: this template has none."} />
        </>
      ) : (
        <Text name="page" label="Page to open (mini program page or Alipay+ redirect URL)" value={page} onInput={setPage} errors={errors}
          placeholder="pages/index/index" hint="Empty: the template's default page. Mini program messages need one or the other." />
      )}
      <Select<Category> name="category" label="Category" value={category} onChange={setCategory}
        options={[["MESSAGE_CATEGORY_MARKETING", "Marketing (waits out quiet hours)"], ["MESSAGE_CATEGORY_TRANSACTIONAL", "Transactional"]]} />
      <Text name="start_time" label={`Start (${timeZone}; empty: now)`} value={start} onInput={setStart} placeholder="2026-12-06 09:00"
        errors={badStart ? { ...errors, start_time: badStart } : errors} />
      <Text name="request_id" label="Request id (makes it safe to submit twice)" value={requestId} onInput={setRequestId} errors={errors} />
      <div class="actions"><button class="primary" type="submit" disabled={act.busy || !template}>Start broadcast</button></div>
    </form>
  );
}

function BroadcastDetail({ broadcastId }: { broadcastId: string }) {
  const send = useCan("send");
  const path = { params: { path: { broadcast: broadcastId } } };
  const b = useLoad(() => unwrap(api.GET("/v1/broadcasts/{broadcast}", path)), [broadcastId]);
  const act = useAction();
  const [confirm, setConfirm] = useState(false);
  const bc = b.data?.broadcast;
  const names = useTemplateNames([bc?.template]);
  const running = bc?.state === "BROADCAST_STATE_RUNNING" || bc?.state === "BROADCAST_STATE_SCHEDULED";
  // Progress moves while it runs: read it again every 2 s until it ends.
  useEffect(() => {
    if (!running && bc?.state !== "BROADCAST_STATE_PAUSED") return;
    const t = setInterval(b.reload, 2000);
    return () => clearInterval(t);
  }, [running, bc?.state]);
  if (b.loading && !bc) return <Loading />;
  if (!bc) return <><p class="crumb"><a href={href("broadcasts")}>Broadcasts</a> /</p><ErrorBanner error={b.error} /></>;
  const set = (r: { broadcast?: Broadcast } | undefined) => { if (r?.broadcast) b.setData({ broadcast: r.broadcast }); };
  return (
    <section>
      <p class="crumb"><a href={href("broadcasts")}>Broadcasts</a> /</p>
      <div class="head"><h1 class="mono">{broadcastId}</h1><Badge value={bc.state} /></div>
      <ErrorBanner error={act.error} />
      {send && (
        <div class="actions left">
          {running && <button type="button" onClick={() => act.run(() => unwrap(api.POST("/v1/broadcasts/{broadcast}:pause", { ...path, body: {} }))).then(set)}>Pause</button>}
          {bc.state === "BROADCAST_STATE_PAUSED" && <button type="button" onClick={() => act.run(() => unwrap(api.POST("/v1/broadcasts/{broadcast}:resume", { ...path, body: {} }))).then(set)}>Resume</button>}
          {(running || bc.state === "BROADCAST_STATE_PAUSED") && <button type="button" class="danger" onClick={() => setConfirm(true)}>Cancel…</button>}
        </div>
      )}
      <Progress b={bc} />
      <dl class="facts">
        <dt>State</dt><dd><Badge value={bc.state} /> {bc.stateReason}</dd>
        <dt>Template</dt><dd>{templateLabel(names, bc.template)} <span class="sub mono">{bc.template}</span></dd>
        <dt>Category</dt><dd>{state(bc.category)}</dd>
        <dt>Data</dt><dd>{Object.entries(bc.data ?? {}).map(([k, v]) => <span key={k} class="kw"><code>{k}</code> {v}</span>)}</dd>
        <dt>Starts</dt><dd>{when(bc.startTime ?? bc.createTime)}</dd>
        <dt>Expires</dt><dd>{when(bc.expireTime)}</dd>
        <dt>Ended</dt><dd>{when(bc.endTime)}</dd>
      </dl>
      <Confirm open={confirm} title="Cancel this broadcast?" confirm="Cancel broadcast" danger onClose={() => setConfirm(false)}
        onConfirm={() => { setConfirm(false); act.run(() => unwrap(api.POST("/v1/broadcasts/{broadcast}:cancel", { ...path, body: {} }))).then(set); }}>
        <p>No more recipients are enqueued and its queued messages are cancelled. Messages being sent finish.</p>
      </Confirm>
    </section>
  );
}
