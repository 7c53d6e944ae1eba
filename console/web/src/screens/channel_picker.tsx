// Templates and subscriptions belong to a channel: this picks it (and remembers it in the URL).
import { api, id, unwrap, type Schemas } from "../api";
import { channelType } from "../format";
import { go, href } from "../router";
import { Select } from "../ui/fields";
import { Empty, ErrorBanner, Loading } from "../ui/feedback";
import { useLoad } from "../ui/hooks";

export function useChannels() {
  return useLoad(() => unwrap(api.GET("/v1/channels", { params: { query: { pageSize: 200 } } })).then((r) => r.channels ?? []), []);
}

export function ChannelPicker(p: { section: string; channel: string | undefined; children: (ch: Schemas["v1Channel"]) => preact.ComponentChildren }) {
  const { data, error, loading } = useChannels();
  if (loading && !data) return <Loading />;
  if (error) return <ErrorBanner error={error} />;
  const channels = data ?? [];
  if (channels.length === 0) {
    return <Empty title="No channels yet."><p>Templates and subscriptions belong to a channel: <a href={href("channels")}>add a channel first</a>.</p></Empty>;
  }
  const current = channels.find((c) => id(c.name) === p.channel) ?? channels[0]!;
  return (
    <>
      <div class="picker">
        <Select name="channel" label="Channel" value={id(current.name)} onChange={(v) => go(p.section, v)}
          options={channels.map((c) => [id(c.name), `${c.displayName || id(c.name)} — ${channelType(c.type)}`])} />
      </div>
      {p.children(current)}
    </>
  );
}
