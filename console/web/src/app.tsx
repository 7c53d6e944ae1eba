// The console's frame: sign-in when there is no session, otherwise the navigation and the
// screen the URL's fragment names.
import { useEffect, useState } from "preact/hooks";
import { whenSignedOut } from "./api";
import { timeZone } from "./format";
import { IdentityContext } from "./identity";
import { href, useRoute } from "./router";
import { Broadcasts } from "./screens/broadcasts";
import { ChannelDetail } from "./screens/channel_detail";
import { ChannelNew } from "./screens/channel_new";
import { Channels } from "./screens/channels";
import { MessageDetail } from "./screens/message_detail";
import { Messages } from "./screens/messages";
import { SignIn } from "./screens/sign_in";
import { Subscriptions } from "./screens/subscriptions";
import { Templates } from "./screens/templates";
import { Webhooks } from "./screens/webhooks";
import { current, signOut, type Identity } from "./session";

const sections: [string, string][] = [
  ["channels", "Channels"],
  ["templates", "Templates"],
  ["subscriptions", "Subscriptions"],
  ["messages", "Messages"],
  ["webhooks", "Webhooks"],
  ["broadcasts", "Broadcasts"],
];

export function App() {
  const [who, setWho] = useState<Identity | null | undefined>(undefined);
  const [ended, setEnded] = useState("");
  useEffect(() => {
    current().then(setWho);
    return whenSignedOut(() => {
      setEnded("Your session ended (it expired or the key was revoked). Sign in again.");
      setWho(null);
    });
  }, []);
  if (who === undefined) return <p class="loading" role="status">Loading…</p>;
  if (who === null) return <SignIn notice={ended} onSignedIn={(id) => { setEnded(""); setWho(id); }} />;
  return (
    <IdentityContext.Provider value={who}>
      <Shell who={who} onSignOut={async () => { await signOut(); setEnded("Signed out."); setWho(null); }} />
    </IdentityContext.Provider>
  );
}

function Shell({ who, onSignOut }: { who: Identity; onSignOut: () => void }) {
  const route = useRoute();
  const [section = "channels"] = route;
  return (
    <div class="shell">
      <a class="skip" href="#main" onClick={(e) => { e.preventDefault(); document.getElementById("main")?.focus(); }}>Skip to content</a>
      <header class="top">
        <a class="brand" href={href("channels")}>Reach <span>console</span></a>
        <div class="who">
          <span class="tenant" title={`tenant ${who.tenant_name ? who.tenant_name + " " : ""}(${who.tenant_id}), key ${who.key_id}`}>
            tenant <strong>{who.tenant_name || who.tenant_id.slice(0, 8) + "…"}</strong>
          </span>
          <span class={"role role-" + who.role}>{who.role}</span>
          <button type="button" onClick={onSignOut}>Sign out</button>
        </div>
      </header>
      <nav aria-label="Sections">
        <ul>
          {sections.map(([s, label]) => (
            <li key={s}><a href={href(s)} aria-current={s === section ? "page" : undefined}>{label}</a></li>
          ))}
        </ul>
      </nav>
      <main id="main" tabIndex={-1}>
        <Screen route={route} />
      </main>
      <footer>Times are shown in your time zone, {timeZone}.</footer>
    </div>
  );
}

function Screen({ route }: { route: string[] }) {
  const [section = "channels", a, b] = route;
  switch (section) {
    case "channels":
      if (a === "new") return <ChannelNew />;
      return a ? <ChannelDetail id={a} /> : <Channels />;
    case "templates":
      return <Templates channel={a} />;
    case "subscriptions":
      return <Subscriptions channel={a} />;
    case "messages":
      return a ? <MessageDetail id={a} /> : <Messages key={location.hash.split("?")[1] ?? ""} />;
    case "webhooks":
      return <Webhooks id={a} />;
    case "broadcasts":
      return <Broadcasts id={a} sub={b} />;
  }
  return <p>There is no such page. <a href={href("channels")}>Go to the channels</a>.</p>;
}
