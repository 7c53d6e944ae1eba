// Messages: filter them, and watch them change live (the watch API) without reloading.
import { useEffect, useState } from "preact/hooks";
import { api, id, unwrap, type Schemas } from "../api";
import { parseWhen, state, timeZone, user, when } from "../format";
import { href, query, withQuery } from "../router";
import { Check, Select, Text } from "../ui/fields";
import { TableWrap } from "../ui/table";
import { Badge, Empty, ErrorBanner, Loading } from "../ui/feedback";
import { useAction, useLoad } from "../ui/hooks";
import { watchMessages, type WatchState } from "../watch";
import { useChannels } from "./channel_picker";
import { templateLabel, useTemplateNames } from "./template_names";

type Message = Schemas["v1Message"];
type State = Schemas["v1MessageState"] | "";

const states = ["QUEUED", "SENDING", "SENT", "FAILED", "CANCELLED", "EXPIRED"] as const;
const q = (s: string) => JSON.stringify(s);

// rfc3339 reads a typed time as the operator's local time ("" when it cannot be read:
// the form checks before it applies).
const rfc3339 = (local: string) => { try { return parseWhen(local); } catch { return ""; } };

// The applied filter lives in the route's query (#/messages?state=…&channel=…), so Back, a
// reload and a shared link keep it. A channel's page links here with ?channel=.
type Filter = { state: State; channel: string; template: string; recipient: string; from: string; to: string };
const filterKeys = ["state", "channel", "template", "recipient", "from", "to"] as const;

function filterFromURL(): Filter {
  const p = query();
  const f = Object.fromEntries(filterKeys.map((k) => [k, p.get(k) ?? ""])) as Filter;
  if (f.state && !f.state.startsWith("MESSAGE_STATE_")) f.state = `MESSAGE_STATE_${f.state}` as State;
  return f;
}

// toQuery turns the filter into the API's filter: list is the whole filter; watch is what
// the watch stream takes (channel, template, state); narrow says the list has more.
function toQuery(f: Filter) {
  const common: string[] = [];
  if (f.channel) common.push(`channel = ${q("channels/" + f.channel)}`);
  if (f.template) common.push(`template = ${q(f.template)}`);
  if (f.state) common.push(`state = ${f.state.replace("MESSAGE_STATE_", "")}`);
  const only: string[] = [];
  const r = f.recipient.trim();
  if (r) only.push(r.startsWith("2088") ? `user_id = ${q(r)}` : `open_id = ${q(r)}`);
  if (f.from && rfc3339(f.from)) only.push(`create_time >= ${q(rfc3339(f.from))}`);
  if (f.to && rfc3339(f.to)) only.push(`create_time < ${q(rfc3339(f.to))}`);
  return { list: [...common, ...only].join(" AND "), watch: common.join(" AND "), narrow: only.length > 0 };
}

// The app keys this screen by the route's query, so a new filter (or Back) mounts it afresh.
export function Messages() {
  const channels = useChannels();
  const [initial] = useState(filterFromURL);
  const [st, setSt] = useState<State>(initial.state);
  const [channel, setChannel] = useState(initial.channel);
  const [template, setTemplate] = useState(initial.template);
  const [recipient, setRecipient] = useState(initial.recipient);
  const [from, setFrom] = useState(initial.from);
  const [to, setTo] = useState(initial.to);
  const [bad, setBad] = useState<Record<string, string>>({});
  const [live, setLive] = useState(true);
  const [applied] = useState(() => toQuery(initial));
  const narrowScreen = typeof matchMedia === "function" && matchMedia("(max-width: 760px)").matches;
  const [open, setOpen] = useState(!narrowScreen);
  const [wstate, setWstate] = useState<{ s: WatchState; why?: string }>({ s: "connecting" });
  // The API lists oldest first; the screen shows newest first: each page is reversed, and a
  // later page (newer messages) goes on top.
  const page = async (pageToken?: string): Promise<{ messages: Message[]; nextPageToken?: string }> => {
    const r = await unwrap(api.GET("/v1/messages", { params: { query: { pageSize: 100, filter: applied.list || undefined, pageToken } } }));
    return { messages: (r.messages ?? []).reverse(), nextPageToken: r.nextPageToken };
  };
  const list = useLoad(() => page(), [applied.list]);
  const more = useAction();
  const loadNewer = () => more.run(async () => {
    const r = await page(list.data?.nextPageToken);
    list.setData((cur) => ({ messages: [...r.messages, ...(cur?.messages ?? [])], nextPageToken: r.nextPageToken }));
  });
  const messages = list.data?.messages ?? [];
  const templates = useLoad(async () => channel
    ? (await unwrap(api.GET("/v1/channels/{channel}/templates", { params: { path: { channel }, query: { pageSize: 500 } } }))).templates ?? []
    : [], [channel]);

  useEffect(() => {
    if (!live) return;
    return watchMessages(applied.watch, async (ev) => {
      // The event says what changed; the message itself has the rest (sent time, error).
      const m = await unwrap(api.GET("/v1/messages/{message}", { params: { path: { message: id(ev.message) } } })).catch(() => undefined);
      if (!m?.message) return;
      list.setData((cur) => {
        const rows = cur?.messages ?? [];
        const i = rows.findIndex((r) => r.name === m.message!.name);
        if (i >= 0) return { ...cur, messages: rows.map((r, j) => (j === i ? m.message! : r)) };
        // A new message matches the watch's filter; recipient and time are not in it.
        return applied.narrow ? cur : { ...cur, messages: [m.message!, ...rows] };
      });
    }, (s, why) => setWstate({ s, why }));
  }, [live, applied.watch, applied.narrow]);

  function apply(e: Event) {
    e.preventDefault();
    const unread: Record<string, string> = {};
    for (const [k, v] of [["from", from], ["to", to]] as const) {
      try { if (v.trim()) parseWhen(v); } catch (err) { unread[k] = (err as Error).message; }
    }
    setBad(unread);
    if (Object.keys(unread).length) return;
    const f: Record<string, string> = { state: st.replace("MESSAGE_STATE_", ""), channel, template, recipient: recipient.trim(), from: from.trim(), to: to.trim() };
    const next = withQuery(f, "messages");
    // The same filter again reads the list again; a new one is a new entry in the history.
    if (location.hash === next) list.reload();
    else location.hash = next.slice(1);
  }

  return (
    <section>
      <div class="head">
        <h1>Messages</h1>
        <div class="live">
          <Check name="live" label="Live updates" checked={live} onChange={setLive} />
          {live && <span class={"dot " + wstate.s} role="status" aria-live="polite">{wstate.s === "live" ? "live" : wstate.s === "connecting" ? "connecting…" : `reconnecting${wstate.why ? ": " + wstate.why : ""}`}</span>}
        </div>
      </div>
      <button type="button" class="filter-toggle" aria-expanded={open} aria-controls="message-filters" onClick={() => setOpen(!open)}>
        {open ? "Hide filters" : `Filters${applied.list ? " (applied)" : ""}`}
      </button>
      <form class="filters" id="message-filters" hidden={!open} onSubmit={apply} aria-label="Filter messages">
        <Select<State> name="state" label="State" value={st} onChange={setSt} options={[["", "any"], ...states.map((s): [State, string] => [`MESSAGE_STATE_${s}`, state(`MESSAGE_STATE_${s}`)])]} />
        <Select name="channel" label="Channel" value={channel} onChange={(v) => { setChannel(v); setTemplate(""); }}
          options={[["", "any"], ...(channels.data ?? []).map((c): [string, string] => [id(c.name), c.displayName || id(c.name)])]} />
        <Select name="template" label="Template" value={template} onChange={setTemplate}
          options={[["", channel ? "any" : "any (pick a channel to choose)"], ...(templates.data ?? []).map((t): [string, string] => [t.name ?? "", t.displayName ?? id(t.name)])]} />
        <Text name="recipient" label="Recipient (2088… or open id)" value={recipient} onInput={setRecipient} />
        <Text name="from" label={`Created from (${timeZone})`} value={from} onInput={setFrom} errors={bad} placeholder="2026-12-06 09:00" />
        <Text name="to" label={`Created before (${timeZone})`} value={to} onInput={setTo} errors={bad} placeholder="2026-12-06 18:00" />
        <button type="submit">Filter</button>
      </form>
      <ErrorBanner error={list.error} />
      {list.loading && !list.data ? <Loading /> : messages.length === 0 ? (
        <Empty title={applied.list ? "No message matches this filter." : "No messages yet."}>
          {applied.list ? <p>Widen the filter: clear a field and filter again.</p> : <p>Send one through the API (<code>POST /v1/messages:send</code>); with live updates on it appears here as it happens.</p>}
        </Empty>
      ) : <MessageTable messages={messages} />}
      <ErrorBanner error={more.error} />
      {list.data?.nextPageToken && (
        <p class="actions left">
          <button type="button" onClick={loadNewer} disabled={more.busy}>Load newer messages</button>
          <span class="hint">The list starts with the oldest matching messages; narrow it with "Created from".</span>
        </p>
      )}
    </section>
  );
}

function MessageTable({ messages }: { messages: Message[] }) {
  const names = useTemplateNames(messages.map((m) => m.template));
  return (
    <TableWrap label="Messages">
        <thead><tr><th scope="col">Message</th><th scope="col">Template</th><th scope="col">Recipient</th><th scope="col">State</th><th scope="col">Created</th><th scope="col">Sent</th></tr></thead>
        <tbody>
          {messages.map((m) => (
            <tr key={m.name} data-message={id(m.name)}>
              <td><a class="mono id" href={href("messages", id(m.name))} title={id(m.name)}>{id(m.name)}</a>{m.requestId && <div class="sub mono id" title={m.requestId}>{m.requestId}</div>}</td>
              <td title={m.template}>{templateLabel(names, m.template)}</td>
              <td><span class="mono id" title={user(m.recipient)}>{user(m.recipient)}</span></td>
              <td><Badge value={m.state} />{m.stateReason && m.state !== "MESSAGE_STATE_SENT" && <div class="sub reason">{m.stateReason}</div>}</td>
              <td>{when(m.createTime)}{m.sendTime && <div class="sub">scheduled for {when(m.sendTime)}</div>}</td>
              <td>{when(m.sentTime)}</td>
            </tr>
          ))}
        </tbody>
      </TableWrap>
  );
}
