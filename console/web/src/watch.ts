// Live message events from GET /v1/messages:watch (newline-delimited JSON), typed by the
// generated client. A dropped stream is resumed from the last cursor, so nothing is
// missed; the caller drops repeats by message and revision if it cares.
import { api, toApiError, type Schemas } from "./api";
import type { paths } from "../../../gen/ts/reach";

type Line = paths["/v1/messages:watch"]["get"]["responses"][200]["content"]["application/json"];
export type WatchEvent = Schemas["v1WatchMessagesResponse"];
export type WatchState = "connecting" | "live" | "retrying";

export function watchMessages(filter: string, onEvent: (e: WatchEvent) => void, onState: (s: WatchState, why?: string) => void): () => void {
  const stop = new AbortController();
  let cursor: string | undefined;
  let delay = 1000;
  async function once(): Promise<void> {
    onState("connecting");
    const { data, error, response } = await api.GET("/v1/messages:watch", {
      params: { query: { filter: filter || undefined, cursor } },
      parseAs: "stream",
      signal: stop.signal,
    });
    if (error !== undefined || !response.ok || !data) throw toApiError(error, response);
    const reader = data.pipeThrough(new TextDecoderStream()).getReader();
    let buf = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buf += value;
      let nl: number;
      while ((nl = buf.indexOf("\n")) >= 0) {
        const text = buf.slice(0, nl).trim();
        buf = buf.slice(nl + 1);
        if (!text) continue;
        const line = JSON.parse(text) as Line;
        if (line.error) throw new Error(line.error.message ?? "the stream ended");
        const r = line.result;
        if (!r) continue;
        if (r.cursor) cursor = r.cursor;
        onState("live");
        delay = 1000;
        if (r.message) onEvent(r);
      }
    }
  }
  (async () => {
    while (!stop.signal.aborted) {
      try {
        await once();
      } catch (e) {
        if (stop.signal.aborted) return;
        const status = (e as { status?: number }).status;
        if (status === 401 || status === 403) { onState("retrying", (e as Error).message); return; }
        onState("retrying", e instanceof Error ? e.message : String(e));
      }
      if (stop.signal.aborted) return;
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 15000);
    }
  })();
  return () => stop.abort();
}
