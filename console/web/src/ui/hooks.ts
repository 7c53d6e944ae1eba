// Small state helpers shared by the screens.
import { useCallback, useEffect, useState } from "preact/hooks";

// useLoad runs load when deps change and on reload(); it keeps the last data while
// reloading, so a list does not flash empty.
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]) {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setLoading(true);
    load().then(
      (d) => { if (live) { setData(d); setError(undefined); setLoading(false); } },
      (e: unknown) => { if (live) { setError(e); setLoading(false); } },
    );
    return () => { live = false; };
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, loading, reload, setData };
}

// useAction runs one call at a time and keeps its error for the form.
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const run = useCallback(async <T,>(f: () => Promise<T>): Promise<T | undefined> => {
    setBusy(true);
    setError(undefined);
    try {
      return await f();
    } catch (e) {
      setError(e);
      return undefined;
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, run, setError };
}

// fieldErrors are the BadRequest violations of the last failed action, by field.
export function fieldErrors(error: unknown): Record<string, string> {
  return (error as { fields?: Record<string, string> } | undefined)?.fields ?? {};
}

// useFlash keeps a success notice ("Queued again.") only while it is news: it goes after a
// few seconds, or as soon as the operator starts something else (a click on a button or
// link, a form submitted).
export function useFlash(ms = 6000): [string, (text: string) => void] {
  const [text, setText] = useState("");
  useEffect(() => {
    if (!text) return;
    const clear = () => setText("");
    const t = setTimeout(clear, ms);
    const onClick = (e: Event) => { if ((e.target as Element | null)?.closest?.("button, a, select")) clear(); };
    document.addEventListener("click", onClick, true);
    document.addEventListener("submit", clear, true);
    return () => {
      clearTimeout(t);
      document.removeEventListener("click", onClick, true);
      document.removeEventListener("submit", clear, true);
    };
  }, [text]);
  return [text, setText];
}
