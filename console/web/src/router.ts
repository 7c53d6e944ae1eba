// Routing in the URL's fragment (#/messages/0195…): the server serves one page, and a
// reload or a shared link opens the same screen.
import { useEffect, useState } from "preact/hooks";

export function currentRoute(): string[] {
  const h = location.hash.replace(/^#\/?/, "");
  const [path = ""] = h.split("?");
  return path.split("/").filter(Boolean).map(decodeURIComponent);
}

export function useRoute(): string[] {
  const [route, setRoute] = useState(currentRoute);
  useEffect(() => {
    const on = () => setRoute(currentRoute());
    addEventListener("hashchange", on);
    return () => removeEventListener("hashchange", on);
  }, []);
  return route;
}

export function href(...parts: string[]): string {
  return "#/" + parts.map(encodeURIComponent).join("/");
}

export function go(...parts: string[]): void {
  location.hash = href(...parts).slice(1);
}

// query is the fragment's query: "#/messages?state=SENT" → state=SENT.
export function query(): URLSearchParams {
  return new URLSearchParams(location.hash.split("?")[1] ?? "");
}

// withQuery is href(...parts) with the given query, leaving out empty values.
export function withQuery(params: Record<string, string>, ...parts: string[]): string {
  const q = new URLSearchParams(Object.entries(params).filter(([, v]) => v));
  const s = q.toString();
  return href(...parts) + (s ? "?" + s : "");
}
