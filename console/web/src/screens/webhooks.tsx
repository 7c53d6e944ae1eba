// Webhook endpoints: create one (its signing secret is shown once), enable or disable it,
// and see each event's delivery and every attempt.
import { Fragment } from "preact";
import { useState } from "preact/hooks";
import { api, id, unwrap } from "../api";
import { latency, when } from "../format";
import { useCan } from "../identity";
import { go, href } from "../router";
import { Confirm } from "../ui/dialog";
import { Check, Text } from "../ui/fields";
import { TableWrap } from "../ui/table";
import { Badge, Empty, ErrorBanner, Loading, Notice } from "../ui/feedback";
import { fieldErrors, useAction, useLoad } from "../ui/hooks";

const eventTypes = ["message.sent", "message.failed", "message.expired", "message.cancelled", "message.queued", "message.sending",
  "template.invalid", "channel.auth_failed", "broadcast.completed"];

export function Webhooks({ id: webhookId }: { id?: string }) {
  return webhookId ? <WebhookDetail webhookId={webhookId} /> : <WebhookList />;
}

function WebhookList() {
  const manage = useCan("manage");
  const list = useLoad(() => unwrap(api.GET("/v1/webhooks", { params: { query: { pageSize: 200 } } })), []);
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState("");
  const hooks = list.data?.webhooks ?? [];
  return (
    <section>
      <div class="head">
        <h1>Webhooks</h1>
        {manage && <button type="button" class="primary" aria-expanded={creating} onClick={() => setCreating(!creating)}>New webhook</button>}
      </div>
      <p class="lead">Reach posts the events you pick to your endpoints, signed the Standard Webhooks way, and retries for about 28 hours.</p>
      {secret && <Notice><p>The endpoint's signing secret, shown this once: keep it with your receiver.</p><p><code class="copy">{secret}</code></p></Notice>}
      {creating && <CreateWebhook onDone={(s) => { setCreating(false); setSecret(s); list.reload(); }} />}
      <ErrorBanner error={list.error} />
      {list.loading && !list.data ? <Loading /> : hooks.length === 0 ? (
        <Empty title="No webhook endpoints yet.">
          {manage ? <p>Add one to hear about sent and failed messages without polling: <strong>New webhook</strong>.</p> : <p>An admin adds endpoints.</p>}
        </Empty>
      ) : (
        <TableWrap label="Webhook endpoints">
            <thead><tr><th scope="col">Endpoint</th><th scope="col">Events</th><th scope="col">State</th><th scope="col">Created</th></tr></thead>
            <tbody>
              {hooks.map((w) => (
                <tr key={w.name}>
                  <td><a href={href("webhooks", id(w.name))} class="mono">{w.url}</a>{w.description && <div class="sub">{w.description}</div>}</td>
                  <td>{(w.eventTypes ?? []).join(", ")}</td>
                  <td><Badge value={w.state} />{w.stateReason && <div class="sub reason">{w.stateReason}</div>}</td>
                  <td>{when(w.createTime)}</td>
                </tr>
              ))}
            </tbody>
          </TableWrap>
      )}
    </section>
  );
}

function CreateWebhook({ onDone }: { onDone: (secret: string) => void }) {
  const [webhookId, setWebhookId] = useState("");
  const [url, setUrl] = useState("");
  const [description, setDescription] = useState("");
  const [types, setTypes] = useState<string[]>(["message.sent", "message.failed"]);
  const act = useAction();
  const errors = fieldErrors(act.error);
  async function submit(e: Event) {
    e.preventDefault();
    const r = await act.run(() => unwrap(api.POST("/v1/webhooks", {
      params: { query: { webhookId: webhookId || undefined } }, body: { url, eventTypes: types, description: description || undefined },
    })));
    if (r) onDone(r.signingSecret ?? "");
  }
  return (
    <form class="form panel" onSubmit={submit} aria-label="New webhook">
      <h2>New webhook endpoint</h2>
      <ErrorBanner error={act.error} shown={Object.keys(errors).filter((f) => ["url", "event_types", "description"].includes(f))} />
      <Text name="url" label="URL (https)" required value={url} onInput={setUrl} errors={errors} placeholder="https://hooks.example.com/reach" />
      <fieldset class={errors.event_types ? "invalid" : ""}>
        <legend>Events</legend>
        {eventTypes.map((t) => <Check key={t} name={"event-" + t} label={t} checked={types.includes(t)} onChange={(on) => setTypes(on ? [...types, t] : types.filter((x) => x !== t))} />)}
        {errors.event_types && <p class="field-error" role="alert">{errors.event_types}</p>}
      </fieldset>
      <Text name="description" label="What it is for" value={description} onInput={setDescription} errors={errors} />
      <Text name="webhook_id" label="Id in Reach" value={webhookId} onInput={setWebhookId} errors={errors} />
      <div class="actions"><button class="primary" type="submit" disabled={act.busy}>Create endpoint</button></div>
    </form>
  );
}

function WebhookDetail({ webhookId }: { webhookId: string }) {
  const manage = useCan("manage");
  const path = { params: { path: { webhook: webhookId } } };
  const hook = useLoad(() => unwrap(api.GET("/v1/webhooks/{webhook}", path)), [webhookId]);
  const deliveries = useLoad(() => unwrap(api.GET("/v1/webhooks/{webhook}/deliveries", { params: { path: { webhook: webhookId }, query: { pageSize: 100 } } })), [webhookId]);
  const [open, setOpen] = useState("");
  const [secret, setSecret] = useState("");
  const [confirm, setConfirm] = useState(false);
  const act = useAction();
  const w = hook.data?.webhook;
  if (hook.loading && !w) return <Loading />;
  if (!w) return <><p class="crumb"><a href={href("webhooks")}>Webhooks</a> /</p><ErrorBanner error={hook.error} /></>;
  const set = (r: { webhook?: typeof w } | undefined) => { if (r?.webhook) hook.setData({ webhook: r.webhook }); };
  const ds = deliveries.data?.deliveries ?? [];
  return (
    <section>
      <p class="crumb"><a href={href("webhooks")}>Webhooks</a> /</p>
      <div class="head"><h1 class="mono">{w.url}</h1><Badge value={w.state} /></div>
      {secret && <Notice><p>The new signing secret, shown this once (the old one signs too for 24 hours):</p><p><code class="copy">{secret}</code></p></Notice>}
      <ErrorBanner error={act.error} />
      <dl class="facts">
        <dt>Events</dt><dd>{(w.eventTypes ?? []).join(", ")}</dd>
        <dt>State</dt><dd><Badge value={w.state} /> {w.stateReason}</dd>
        <dt>Signing secret</dt><dd class="mono">{w.signingSecretInfo?.fingerprint ?? "set"}</dd>
      </dl>
      {manage && (
        <div class="actions left">
          {w.state === "WEBHOOK_STATE_DISABLED"
            ? <button type="button" onClick={() => act.run(() => unwrap(api.POST("/v1/webhooks/{webhook}:enable", { ...path, body: {} }))).then(set)}>Enable</button>
            : <button type="button" onClick={() => act.run(() => unwrap(api.POST("/v1/webhooks/{webhook}:disable", { ...path, body: {} }))).then(set)}>Disable</button>}
          <button type="button" onClick={() => act.run(() => unwrap(api.POST("/v1/webhooks/{webhook}:rotateSecret", { ...path, body: {} }))).then((r) => { set(r); setSecret(r?.signingSecret ?? ""); })}>Rotate secret</button>
          <button type="button" class="danger" onClick={() => setConfirm(true)}>Delete…</button>
        </div>
      )}
      <h2>Deliveries</h2>
      <ErrorBanner error={deliveries.error} />
      {ds.length === 0 ? <Empty title="Nothing delivered yet."><p>Deliveries appear when an event of the kinds above happens.</p></Empty> : (
        <TableWrap label="Deliveries">
            <thead><tr><th scope="col">Event</th><th scope="col">State</th><th scope="col">Tries</th><th scope="col">Last answer</th><th scope="col">Queued</th></tr></thead>
            <tbody>
              {ds.map((d) => (
                <Fragment key={d.name}>
                  <tr>
                    <td><button type="button" class="link" aria-expanded={open === d.name} onClick={() => setOpen(open === d.name ? "" : d.name ?? "")}>{d.eventType}</button><div class="sub mono id" title={id(d.name)}>{id(d.name)}</div></td>
                    <td><Badge value={d.state} />{d.nextAttemptTime && <div class="sub">next {when(d.nextAttemptTime)}</div>}</td>
                    <td>{d.attempts ?? 0}</td>
                    <td>{d.lastStatusCode ? `HTTP ${d.lastStatusCode}` : "—"}{d.lastError && <div class="sub reason">{d.lastError}</div>}</td>
                    <td>{when(d.createTime)}</td>
                  </tr>
                  {open === d.name && <tr><td colSpan={5}><Attempts webhookId={webhookId} delivery={id(d.name)} /></td></tr>}
                </Fragment>
              ))}
            </tbody>
          </TableWrap>
      )}
      <Confirm open={confirm} title="Delete this endpoint?" confirm="Delete endpoint" danger onClose={() => setConfirm(false)}
        onConfirm={() => { setConfirm(false); act.run(() => unwrap(api.DELETE("/v1/webhooks/{webhook}", path))).then((r) => { if (r) go("webhooks"); }); }}>
        <p>Its pending deliveries are dropped. This cannot be undone.</p>
      </Confirm>
    </section>
  );
}

function Attempts({ webhookId, delivery }: { webhookId: string; delivery: string }) {
  const a = useLoad(() => unwrap(api.GET("/v1/webhooks/{webhook}/deliveries/{deliverie}/attempts", { params: { path: { webhook: webhookId, deliverie: delivery } } })), [webhookId, delivery]);
  if (a.loading && !a.data) return <Loading />;
  const rows = a.data?.attempts ?? [];
  return (
    <>
      <ErrorBanner error={a.error} />
      {rows.length === 0 ? <p class="hint">No tries yet.</p> : (
        <ol class="timeline" aria-label="Attempts">
          {rows.map((t) => (
            <li key={t.attempt}>
              <div class="when">{when(t.attemptTime)}</div>
              <div class="what">try {t.attempt}: {t.statusCode ? `HTTP ${t.statusCode}` : "no answer"} {t.latency && `· ${latency(t.latency)}`}{t.error && <div class="sub reason">{t.error}</div>}</div>
            </li>
          ))}
        </ol>
      )}
    </>
  );
}
