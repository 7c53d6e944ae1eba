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
