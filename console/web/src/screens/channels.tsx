// Channels: every Alipay app of the tenant, with its state and why.
import { api, id, unwrap } from "../api";
import { channelType, when } from "../format";
import { useCan } from "../identity";
import { href } from "../router";
import { TableWrap } from "../ui/table";
import { Badge, Empty, ErrorBanner, Loading } from "../ui/feedback";
import { useLoad } from "../ui/hooks";

export function Channels() {
  const manage = useCan("manage");
  const { data, error, loading } = useLoad(() => unwrap(api.GET("/v1/channels", { params: { query: { pageSize: 200 } } })), []);
  const channels = data?.channels ?? [];
  return (
    <section>
      <div class="head">
        <h1>Channels</h1>
        {manage && <a class="button primary" href={href("channels", "new")}>New channel</a>}
      </div>
      <p class="lead">A channel is one Alipay app for one product. Reach checks its keys with Alipay: a channel sends only while it is <em>Enabled</em>.</p>
      <ErrorBanner error={error} />
      {loading && !data ? <Loading /> : channels.length === 0 ? (
        <Empty title="No channels yet.">
          {manage
            ? <p>Create one with your Alipay app's id and keys: <a href={href("channels", "new")}>New channel</a>.</p>
            : <p>An admin of this tenant creates channels; ask one to add your Alipay app.</p>}
        </Empty>
      ) : (
        <TableWrap label="Channels">
            <thead><tr><th scope="col">Channel</th><th scope="col">Product</th><th scope="col">State</th><th scope="col">Reason</th><th scope="col">Verified</th></tr></thead>
            <tbody>
              {channels.map((c) => (
                <tr key={c.name}>
                  <td><a href={href("channels", id(c.name))}>{c.displayName || id(c.name)}</a><div class="sub mono id" title={id(c.name)}>{id(c.name)}</div></td>
                  <td>{channelType(c.type)}</td>
                  <td><Badge value={c.state} /></td>
                  <td class="reason">{c.stateReason || "—"}</td>
                  <td>{when(c.verifyTime)}</td>
                </tr>
              ))}
            </tbody>
          </TableWrap>
      )}
    </section>
  );
}
