// Create a channel: the product, then its credentials. Reach checks them with Alipay
// before it answers, so the new channel arrives Enabled, or Auth failed with Alipay's code.
import { useState } from "preact/hooks";
import { api, id, unwrap, type Schemas } from "../api";
import { channelTypes } from "../format";
import { useCan } from "../identity";
import { go, href } from "../router";
import { Select, Text } from "../ui/fields";
import { ErrorBanner } from "../ui/feedback";
import { fieldErrors, useAction } from "../ui/hooks";
import { alipayPlus, CredentialFields, emptyCreds, openPlatform, type Mode } from "./credentials";

type Type = keyof typeof channelTypes;

export function ChannelNew() {
  const manage = useCan("manage");
  const [type, setType] = useState<Type>("CHANNEL_TYPE_ALIPAY_MINI_PROGRAM");
  const [channelId, setChannelId] = useState("");
  const [displayName, setDisplayName] = useState("");
  const [mode, setMode] = useState<Mode>("key");
  const [creds, setCreds] = useState(emptyCreds);
  const act = useAction();
  const errors = fieldErrors(act.error);
  const plus = type === "CHANNEL_TYPE_ALIPAY_PLUS_MINI_PROGRAM";
  if (!manage) return <p>Only an admin can create channels. <a href={href("channels")}>Back to the channels</a></p>;
  async function submit(e: Event) {
    e.preventDefault();
    const body: Schemas["v1Channel"] = {
      displayName, type,
      ...(plus ? { alipayPlus: alipayPlus(creds) } : { openPlatform: openPlatform(creds, mode) }),
    };
    const r = await act.run(() => unwrap(api.POST("/v1/channels", { params: { query: { channelId: channelId || undefined } }, body })));
    if (r?.channel) go("channels", id(r.channel.name));
  }
  return (
    <section>
      <p class="crumb"><a href={href("channels")}>Channels</a> /</p>
      <h1>New channel</h1>
      <form onSubmit={submit} class="form">
        <ErrorBanner error={act.error} shown={Object.keys(errors).filter((f) => /^(display_name|type|open_platform|alipay_plus)/.test(f))} />
        <Select<Type> name="type" label="Alipay product" value={type} onChange={setType} errors={errors}
          options={Object.entries(channelTypes) as [Type, string][]} />
        <Text name="display_name" label="Display name" required value={displayName} onInput={setDisplayName} errors={errors} placeholder="Acme mini program" />
        <Text name="channel_id" label="Channel id" value={channelId} onInput={setChannelId} errors={errors}
          hint="Lowercase letters, digits and hyphens; used in the API (channels/ID). Empty: one is made up." />
        <CredentialFields plus={plus} mode={mode} setMode={setMode} value={creds} set={setCreds} errors={errors} />
        <div class="actions">
          <a class="button" href={href("channels")}>Cancel</a>
          <button class="primary" type="submit" disabled={act.busy}>{act.busy ? "Checking with Alipay…" : "Create channel"}</button>
        </div>
      </form>
    </section>
  );
}
