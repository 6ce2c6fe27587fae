// Polls the class room's state (server.py's JSON route) every data.every_ms. A new phase of
// the training step drawn here is sent to the page's step player as a window event (no
// server work); a new step or question, or the room gone (404) or unreachable (503), is
// reported once with the "changed" trigger, which reruns the fragment this watch is in.
// A network hiccup is just retried at the next tick.

// Streamlit calls the default export again whenever the data change, without running the
// cleanup the previous call returned: stop the previous instance here, or its timer lives on.
const LIVE = new WeakMap(); // parentElement -> cleanup of the instance polling there

export default function ({ data, parentElement, setTriggerValue }) {
  const earlier = LIVE.get(parentElement);
  if (earlier) earlier();
  const drawn = data.drawn;
  let stopped = false;
  let timer = null;
  let phase = drawn.phase;
  let reported = null; // the change this instance already reported (once per change)

  function movePlayer(next) {
    if (next === phase) return;
    phase = next;
    window.dispatchEvent(new CustomEvent(data.phase_event, { detail: { phase } }));
  }

  async function poll() {
    let change = null;
    try {
      const response = await fetch(data.url, { cache: "no-store", credentials: "same-origin" });
      if (response.ok) {
        const room = await response.json();
        if (room.step !== drawn.step || room.question !== drawn.question) {
          change = `${room.step} ${room.question}`;
        } else if (Number.isInteger(room.phase)) {
          movePlayer(room.phase);
        }
      } else if (response.status === 404 || response.status === 503) {
        change = `status ${response.status}`;
      }
    } catch (error) {
      change = null; // offline for a moment: ask again at the next tick
    }
    if (stopped) return;
    if (change !== null && change !== reported) {
      reported = change;
      setTriggerValue("changed", change);
    }
    timer = setTimeout(poll, data.every_ms);
  }

  // The server drew this watch at the room's phase: bring the page's player there too (it
  // was drawn at that phase unless only this fragment reran, after a question changed).
  window.dispatchEvent(new CustomEvent(data.phase_event, { detail: { phase } }));
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
