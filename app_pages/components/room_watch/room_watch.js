// Polls the class room's version (server.py's JSON route) and asks Streamlit for a rerun only
// when it differs from the version this page was drawn from. A 404 (room gone) or 503 (store
// down) also differs, so the page reruns once and says so; a network hiccup is just retried.

// Streamlit calls the default export again whenever the data change, without running the
// cleanup the previous call returned: stop the previous instance here, or its timer lives on.
const LIVE = new WeakMap(); // parentElement -> cleanup of the instance polling there

export default function ({ data, parentElement, setTriggerValue }) {
  const earlier = LIVE.get(parentElement);
  if (earlier) earlier();
  let stopped = false;
  let timer = null;
  let asked = null; // the change this instance already reported (once per change)

  async function poll() {
    let seen = null;
    try {
      const response = await fetch(data.url, { cache: "no-store", credentials: "same-origin" });
      if (response.ok) seen = String((await response.json()).version);
      else if (response.status === 404 || response.status === 503) seen = `status ${response.status}`;
    } catch (error) {
      seen = null; // offline for a moment: ask again at the next tick
    }
    if (stopped) return;
    if (seen !== null && seen !== String(data.version) && seen !== asked) {
      asked = seen;
      setTriggerValue("changed", seen);
    }
    timer = setTimeout(poll, data.every_ms);
  }

  timer = setTimeout(poll, data.every_ms);
  const cleanup = () => {
    stopped = true;
    clearTimeout(timer);
  };
  LIVE.set(parentElement, cleanup);
  return () => {
    if (LIVE.get(parentElement) === cleanup) LIVE.delete(parentElement);
    cleanup();
  };
}
