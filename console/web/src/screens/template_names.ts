// Template display names for tables that show a message's or broadcast's template: each
// channel's template list is read once per page load and cached.
import { useEffect, useState } from "preact/hooks";
import { api, unwrap } from "../api";

const cache = new Map<string, Promise<Map<string, string>>>();

function channelNames(channel: string): Promise<Map<string, string>> {
  let p = cache.get(channel);
  if (!p) {
    p = unwrap(api.GET("/v1/channels/{channel}/templates", { params: { path: { channel }, query: { pageSize: 1000 } } }))
      .then((r) => new Map((r.templates ?? []).map((t) => [t.name ?? "", t.displayName ?? ""])))
      .catch(() => { cache.delete(channel); return new Map<string, string>(); });
    cache.set(channel, p);
  }
  return p;
}

// useTemplateNames returns template resource name → display name for the given names.
export function useTemplateNames(names: (string | undefined)[]): Map<string, string> {
  const [known, setKnown] = useState(new Map<string, string>());
  const channels = [...new Set(names.map((n) => n?.split("/")[1]).filter((c): c is string => !!c))].sort();
  useEffect(() => {
    let live = true;
    Promise.all(channels.map(channelNames)).then((maps) => {
      if (live) setKnown(new Map(maps.flatMap((m) => [...m])));
    });
    return () => { live = false; };
  }, [channels.join(",")]);
  return known;
}

// templateLabel is a template's display name, or its id when the name is not known.
export function templateLabel(known: Map<string, string>, name: string | undefined): string {
  return (name && known.get(name)) || (name ?? "").split("/").pop() || "—";
}
