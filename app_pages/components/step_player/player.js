// Step player: draws one training step of the network as SVG and steps through its phases in
// the browser (no server round trip), with motion, narration, auto-play, a quiz and keys.
// The server is asked only through triggers: "action" ("train" = next training step, "undo")
// and "weight" ([layer, row, col] of a clicked edge). Data: viz/step_by_step/player.py.
// Follow mode (data.follow = {event}, the class room's students): no controls, keys or quiz;
// the phase comes from window events sent by the page's room watch (the teacher's phase).
// Plain ES module for Streamlit components v2: no build step, no dependencies.

const SVG = "http://www.w3.org/2000/svg";
const POSITIVE = [33, 102, 172]; // blue, solid line
const NEGATIVE = [178, 24, 43]; // red, dashed line
const MUTED = [190, 190, 190];
const PULSE = "#e69f00"; // Okabe-Ito orange: travelling values and the highlighted layer
const SESSION = new Map(); // per component key: phase, play and quiz state across reruns

function el(name, attrs = {}, parent = null, text = null) {
  const node = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== null) node.textContent = text;
  if (parent) parent.appendChild(node);
  return node;
}

function colour(value, peak) {
  if (value === null || value === undefined) return { stroke: "rgb(120,120,120)", width: 2, dash: "2 3" };
  const m = Math.min(Math.abs(value) / peak, 1);
  const base = value >= 0 ? POSITIVE : NEGATIVE;
  const t = 0.35 + 0.65 * m;
  const rgb = base.map((c, i) => Math.round(MUTED[i] + (c - MUTED[i]) * t));
  return { stroke: `rgb(${rgb.join(",")})`, width: 1.2 + 6 * m, dash: value >= 0 ? "none" : "8 5" };
}

function full(value, label) {
  // Hover shows full precision: the shortest text that reads back as the same float.
  return value === null || value === undefined ? label : String(value);
}

function readScore() {
  try {
    return JSON.parse(sessionStorage.getItem("backprop-quiz-score")) || { right: 0, asked: 0 };
  } catch (e) {
    return { right: 0, asked: 0 };
  }
}

function saveScore(score) {
  try {
    sessionStorage.setItem("backprop-quiz-score", JSON.stringify(score));
  } catch (e) {
    /* storage refused (private mode): the score lasts while the page does */
  }
}

// The same rule as lessons/step_by_step/quiz.py check().
function checkAnswer(question, answer) {
  if (!question.choices.length) {
    const text = String(answer).trim().replace(",", ".");
    if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text)) return false;
    return Math.abs(Number(text) - question.answer) <= question.tolerance;
  }
  return String(answer).toLowerCase().split(/\s+/).filter(Boolean).join(" ") === question.answer;
}

function typingInto(event) {
  const path = event.composedPath ? event.composedPath() : [event.target];
  return path.some(
    (node) =>
      node instanceof Element &&
      (node.matches("textarea, select, [contenteditable=''], [contenteditable='true']") ||
        (node.matches("input") && !["checkbox", "radio", "button", "submit"].includes(node.type)) ||
        node.getAttribute("role") === "textbox" ||
        node.getAttribute("role") === "grid" ||
        node.getAttribute("role") === "combobox")
  );
}

// Streamlit calls the default export again whenever the data change, without running the
// cleanup the previous call returned (that runs only when the element goes away): stop the
// previous instance here, or its keys, timers and auto-play would live on beside the new one.
const LIVE = new WeakMap(); // parentElement -> cleanup of the instance drawing there

export default function (args) {
  const earlier = LIVE.get(args.parentElement);
  if (earlier) earlier();
  const cleanup = mount(args);
  LIVE.set(args.parentElement, cleanup);
  return () => {
    if (LIVE.get(args.parentElement) === cleanup) LIVE.delete(args.parentElement);
    cleanup();
  };
}

function mount({ data, key, parentElement, setTriggerValue }) {
  const root = parentElement.querySelector(".player");
  const svg = parentElement.querySelector("svg.graph");
  const side = {
    title: parentElement.querySelector(".phase-title"),
    strip: parentElement.querySelector(".strip"),
    narration: parentElement.querySelector(".narration"),
    quiz: parentElement.querySelector(".quiz"),
    note: parentElement.querySelector(".note"),
    score: parentElement.querySelector(".score"),
  };
  const buttons = {
    prev: parentElement.querySelector("button.prev"),
    next: parentElement.querySelector("button.next"),
    play: parentElement.querySelector("button.play"),
    help: parentElement.querySelector("button.help-toggle"),
  };
  const speed = parentElement.querySelector("select.speed");
  const motionBox = parentElement.querySelector("input.motion");
  const quizBox = parentElement.querySelector("input.quiz-mode");
  const keepGoingBox = parentElement.querySelector("input.keep-going");
  const stepSize = parentElement.querySelector("select.step-size");
  const updates = parentElement.querySelector(".updates");
  const help = parentElement.querySelector(".help");
  const reduced = window.matchMedia("(prefers-reduced-motion: reduce)");

  const memory = SESSION.get(key) || {};
  const state = {
    phase: !data.follow && memory.token === data.token ? memory.phase : data.start_phase,
    playing: false,
    timer: null,
    pending: null, // the question waiting for an answer, or null
    answered: memory.token === data.token ? memory.answered : {},
    motion: memory.motion !== undefined ? memory.motion : true,
    quiz: memory.quiz !== undefined ? memory.quiz : data.quiz,
    speed: memory.speed || 1,
    keepGoing: Boolean(memory.keepGoing),
    stepSize: memory.stepSize || "phase", // what one Next does: "phase", "step" or "epoch"
    waiting: false,
  };
  // Auto-play asked the server for the next training step: play on once it has arrived (the
  // next step of the same run, not a new scenario or an undo).
  const resume = Boolean(memory.resume) && memory.token !== data.token && data.step === memory.step + 1;
  const remember = () =>
    SESSION.set(key, {
      token: data.token, phase: state.phase, answered: state.answered,
      motion: state.motion, quiz: state.quiz, speed: state.speed, keepGoing: state.keepGoing,
      step: data.step, resume: false, stepSize: state.stepSize, showLoss: false,
    });
  // A whole training step (or epoch) per click: the new step opens at its loss (what the
  // updates did).
  if (memory.showLoss && memory.token !== data.token && data.step > memory.step) {
    state.phase = Math.max(0, data.phases.findIndex((p) => p.kind === "loss"));
  }

  const phases = data.phases;
  const last = phases.length - 1;
  const sizes = data.layer_sizes;
  const nLayers = sizes.length;
  const font = data.font_px;
  root.style.setProperty("--font", `${font}px`);
  root.style.setProperty("--motion", `${data.motion_seconds}s`);
  root.classList.toggle("presenter", data.presenter);
  root.dataset.phases = String(phases.length);

  speed.replaceChildren(
    ...data.speeds.map((s) => {
      const option = document.createElement("option");
      option.value = String(s);
      option.textContent = `${s}x`;
      option.selected = s === state.speed;
      return option;
    })
  );

  const motionOn = () => data.animated && state.motion && !reduced.matches;

  // ---- geometry -------------------------------------------------------------------------
  let geometry = null;
  function layout() {
    const width = Math.max(svg.parentElement.clientWidth, 320);
    const maxUnits = Math.max(...sizes);
    const wanted = 80 + maxUnits * font * 3.2;
    const height = Math.round(Math.min(Math.max(wanted, window.innerHeight * 0.5, 320), Math.max(320, window.innerHeight - 140), 680));
    const nameWidth = font * 0.62 * Math.max(2, ...data.input_names.map((n) => n.length)) + 16;
    const outWidth = font * 0.62 * Math.max(6, ...data.output_names.map((n) => n.length + 8)) + 24;
    const top = font * 2.6;
    const bottom = font * 2.4;
    const spacing = (height - top - bottom) / maxUnits;
    const radius = Math.max(6, Math.min(spacing * 0.4, font * 2.1, 46));
    // Names sit outside the first and last layers' circles: leave room for both.
    const left = nameWidth + radius + 4;
    const right = outWidth + radius;
    const inside = data.labels_inside && radius >= font * 1.55;
    const step = (width - left - right) / Math.max(nLayers - 1, 1);
    const centre = top + (height - top - bottom) / 2;
    const pos = sizes.map((n, l) =>
      Array.from({ length: n }, (_, u) => [left + l * step, centre + (u - (n - 1) / 2) * spacing])
    );
    const biasSize = Math.max(8, font * 0.5);
    const roomForBias = spacing >= 2 * radius + biasSize + 6;
    geometry = { width, height, pos, radius, inside, top, bottom, step, biasSize, roomForBias };
    svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
    svg.setAttribute("width", String(width));
    svg.setAttribute("height", String(height));
  }

  // ---- drawing (built once per data, restyled per phase) ---------------------------------
  const parts = { edges: [], edgeLabels: [], hits: [], nodes: [], nodeLabels: [], biases: [], biasLabels: [] };
  let lossLabel = null;
  let targetLabels = [];
  let layerTitles = [];
  let motionLayer = null;

  function build() {
    layout();
    svg.replaceChildren();
    Object.values(parts).forEach((list) => (list.length = 0));
    const { pos, radius, inside, height } = geometry;
    const edgeGroup = el("g", { class: "edges" }, svg);
    const hitGroup = el("g", { class: "hits" }, svg);
    for (let k = 0; k < nLayers - 1; k++) {
      for (let r = 0; r < sizes[k + 1]; r++) {
        for (let c = 0; c < sizes[k]; c++) {
          const [x0, y0] = pos[k][c];
          const [x1, y1] = pos[k + 1][r];
          const line = el("line", { x1: x0, y1: y0, x2: x1, y2: y1, class: "edge" }, edgeGroup);
          line.dataset.id = `${k},${r},${c}`;
          parts.edges.push({ line, k, r, c, x0, y0, x1, y1 });
          const hit = el("line", { x1: x0, y1: y0, x2: x1, y2: y1, class: "hit" }, hitGroup);
          const title = el("title", {}, hit);
          if (!data.follow) hit.addEventListener("click", () => setTriggerValue("weight", [k, r, c]));
          parts.hits.push({ hit, title, k, r, c });
        }
      }
    }
    const labelGroup = el("g", { class: "edge-labels" }, svg);
    if (data.show_edge_labels) {
      for (const edge of parts.edges) {
        const t = 0.3 + 0.4 * (edge.c / Math.max(sizes[edge.k] - 1, 1)); // spread the labels
        const x = edge.x0 + t * (edge.x1 - edge.x0);
        const y = edge.y0 + t * (edge.y1 - edge.y0);
        parts.edgeLabels.push(el("text", { x, y: y - 4, class: "num edge-label" }, labelGroup));
      }
    }
    motionLayer = el("g", { class: "motion" }, svg);
    const nodeGroup = el("g", { class: "nodes" }, svg);
    for (let l = 0; l < nLayers; l++) {
      parts.nodes.push([]);
      parts.nodeLabels.push([]);
      parts.biases.push([]);
      parts.biasLabels.push([]);
      for (let u = 0; u < sizes[l]; u++) {
        const [x, y] = pos[l][u];
        const group = el("g", { class: "node" }, nodeGroup);
        const circle = el("circle", { cx: x, cy: y, r: radius }, group);
        const title = el("title", {}, group);
        const label = inside
          ? el("text", { x, y, class: "num node-label inside" }, group)
          : el("text", { x: x + radius + 4, y, class: "num node-label beside" }, group);
        parts.nodes[l].push({ circle, title, x, y });
        parts.nodeLabels[l].push(label);
        if (l > 0 && geometry.roomForBias) {
          const size = geometry.biasSize;
          const by = y - radius - size / 2 - 3;
          const square = el("rect", { x: x - size / 2, y: by - size / 2, width: size, height: size, class: "bias" }, group);
          el("title", {}, square);
          parts.biases[l].push(square);
          parts.biasLabels[l].push(
            data.show_bias_labels ? el("text", { x: x + size / 2 + 3, y: by - 2, class: "num bias-label" }, group) : null
          );
        }
      }
    }
    const names = el("g", { class: "names" }, svg);
    data.input_names.forEach((name, u) => {
      if (u >= sizes[0]) return;
      const [x, y] = pos[0][u];
      el("text", { x: x - radius - 6, y, class: "name input-name" }, names, name);
    });
    const out = nLayers - 1;
    targetLabels = [];
    data.output_names.forEach((name, u) => {
      if (u >= sizes[out]) return;
      const [x, y] = pos[out][u];
      const gap = inside ? radius + 6 : radius + font * 4;
      el("text", { x: x + gap, y: y - font * 0.55, class: "name output-name" }, names, name);
      targetLabels.push(el("text", { x: x + gap, y: y + font * 0.6, class: "num target" }, names));
    });
    // A title wider than the gap between layers (a phone) goes on two lines: name, activation.
    layerTitles = data.layer_titles.map((title, l) => {
      const x = pos[l][0][0];
      const split = title.indexOf(" (");
      if (split < 0 || title.length * font * 0.62 <= geometry.step - 8) {
        return el("text", { x, y: height - font * 0.6, class: "name layer-title" }, names, title);
      }
      const text = el("text", { x, y: height - font * 1.7, class: "name layer-title" }, names);
      el("tspan", { x, y: height - font * 1.7 }, text, title.slice(0, split));
      el("tspan", { x, y: height - font * 0.6 }, text, title.slice(split + 1));
      return text;
    });
    const [ox, oy] = pos[out][0];
    lossLabel = el("text", { x: Math.min(ox + radius + 8, geometry.width - 4), y: geometry.top - font * 1.2, class: "num loss" }, names);
  }

  // ---- one phase ---------------------------------------------------------------------------
  function apply(index, { animate = false } = {}) {
    const spec = phases[index];
    const v = data.values;
    const lab = data.labels;
    const edgeQ = spec.edge_quantity;
    const peak = data.peaks[edgeQ];
    const shownEdges = new Set(spec.edge_layers);
    const lit = spec.highlight;
    root.classList.toggle("animated", animate);
    for (const { line, k, r, c } of parts.edges) {
      const known = shownEdges.has(k);
      const style = known ? colour(v[edgeQ][k][r][c], peak) : { stroke: "rgb(200,200,200)", width: 1.2, dash: "2 4" };
      line.style.stroke = style.stroke;
      line.style.strokeWidth = `${style.width}px`;
      line.style.strokeDasharray = style.dash;
      line.style.opacity = lit === null || lit === k + 1 ? "1" : "0.28";
    }
    parts.edgeLabels.forEach((text, i) => {
      const { k, r, c } = parts.edges[i];
      text.textContent = shownEdges.has(k) ? lab[edgeQ][k][r][c] : "";
    });
    for (const { title, k, r, c } of parts.hits) {
      const lines = [`w[${k + 1}] ${r + 1},${c + 1}: unit ${c + 1} of layer ${k} to unit ${r + 1} of layer ${k + 1}`];
      lines.push(`w = ${full(v.W[k][r][c], lab.W[k][r][c])}`);
      if (spec.kind === "backward" || spec.kind === "update") {
        if (shownEdges.has(k) || spec.kind === "update") lines.push(`dL/dw = ${full(v.dW[k][r][c], lab.dW[k][r][c])}`);
      }
      if (spec.kind === "update") lines.push(`new w = ${full(v.W_new[k][r][c], lab.W_new[k][r][c])}`);
      title.textContent = lines.join("\n");
    }
    const nodeQ = spec.node_quantity;
    const shownNodes = new Set(spec.node_layers);
    for (let l = 0; l < nLayers; l++) {
      const show = shownNodes.has(l) && (geometry.inside || lit === null || lit === l || nLayers * Math.max(...sizes) <= 24);
      for (let u = 0; u < sizes[l]; u++) {
        const node = parts.nodes[l][u];
        node.circle.classList.toggle("lit", lit === l);
        const label = parts.nodeLabels[l][u];
        const values = l === 0 && nodeQ === "delta" ? null : lab[nodeQ][l];
        label.textContent = show && values ? values[u] : "";
        const lines = [data.unit_names[l][u]];
        if (spec.kind !== "forward" || l <= spec.layer) lines.push(`a = ${full(v.a[l][u], lab.a[l][u])}`);
        if (l > 0 && (spec.kind !== "forward" || l <= spec.layer)) lines.push(`z = ${full(v.z[l][u], lab.z[l][u])}`);
        if (l > 0 && spec.kind === "backward" && l >= spec.layer) lines.push(`delta = ${full(v.delta[l][u], lab.delta[l][u])}`);
        if (l > 0 && spec.kind === "update") lines.push(`delta = ${full(v.delta[l][u], lab.delta[l][u])}`);
        if (l > 0) lines.push(`b = ${full(v.b[l - 1][u], lab.b[l - 1][u])}`);
        node.title.textContent = lines.join("\n");
        if (l > 0 && geometry.roomForBias) {
          const biasQ = spec.bias_quantity;
          const known = biasQ === "b" || (biasQ === "db" && shownEdges.has(l - 1)) || biasQ === "b_new";
          const square = parts.biases[l][u];
          const style = known ? colour(v[biasQ][l - 1][u], peak) : { stroke: "rgb(200,200,200)" };
          square.style.fill = style.stroke;
          square.firstChild.textContent = `b[${l}] ${u + 1} = ${full(v.b[l - 1][u], lab.b[l - 1][u])}` +
            (known && biasQ !== "b" ? `\n${biasQ === "db" ? "dL/db" : "new b"} = ${full(v[biasQ][l - 1][u], lab[biasQ][l - 1][u])}` : "");
          const biasLabel = parts.biasLabels[l][u];
          if (biasLabel) biasLabel.textContent = known ? lab[biasQ][l - 1][u] : "";
        }
      }
    }
    layerTitles.forEach((title, l) => title.classList.toggle("lit", lit === l));
    const showLoss = spec.kind !== "forward";
    lossLabel.textContent = showLoss ? `loss L = ${data.loss_label}` : "";
    targetLabels.forEach((text, u) => {
      text.textContent = spec.kind === "forward" && spec.layer < nLayers - 1 ? "" : `target ${data.target_labels[u]}`;
    });
    root.dataset.phase = String(index);
    side.title.textContent = `Phase ${index + 1} of ${phases.length}: ${spec.title}`;
    side.strip.replaceChildren(
      ...phases.map((p, i) => {
        const chip = document.createElement("span");
        chip.textContent = p.short;
        chip.className = i === index ? "chip now" : i < index ? "chip done" : "chip";
        if (i === index) chip.setAttribute("aria-current", "step");
        return chip;
      })
    );
    side.narration.textContent = spec.narration;
    svg.setAttribute(
      "aria-label",
      `Network graph, ${data.layer_sizes.join("-")} network, phase ${index + 1} of ${phases.length}:` +
        ` ${spec.title}. ${spec.narration}`
    );
    buttons.prev.disabled = index === 0;
    buttons.next.textContent =
      state.stepSize === "epoch" ? "Next epoch ▶"
        : index === last || state.stepSize === "step" ? "Next training step ▶" : "Next ▶";
  }

  // ---- motion ------------------------------------------------------------------------------
  const running = new Set();
  function stopMotion() {
    for (const animation of running) animation.cancel();
    running.clear();
    motionLayer.replaceChildren();
    delete root.dataset.moving;
  }

  function track(animation) {
    running.add(animation);
    const done = () => {
      running.delete(animation);
      if (!running.size) {
        delete root.dataset.moving;
        root.classList.remove("morph");
      }
    };
    animation.finished.then(done, done);
  }

  function travel(from, to, duration) {
    const dot = el("circle", { r: Math.max(4, font * 0.32), class: "dot", cx: 0, cy: 0, fill: PULSE }, motionLayer);
    const animation = dot.animate(
      [{ transform: `translate(${from[0]}px, ${from[1]}px)` }, { transform: `translate(${to[0]}px, ${to[1]}px)` }],
      { duration, easing: "ease-in-out", fill: "forwards" }
    );
    track(animation);
    animation.finished.then(() => dot.remove(), () => dot.remove());
  }

  function fadeIn(elements, duration) {
    for (const item of elements) {
      if (!item) continue;
      const animation = item.animate([{ opacity: 0 }, { opacity: 0, offset: 0.6 }, { opacity: 1 }], { duration });
      track(animation);
    }
  }

  function move(from, to) {
    const spec = phases[to];
    const duration = data.motion_seconds * 1000;
    const { pos } = geometry;
    root.dataset.moving = "1";
    root.dataset.motionKind = spec.motion.kind;
    if (spec.kind === "update") {
      // Show the old weights for a frame, then let the CSS transition morph them to the new.
      const oldSpec = { ...spec, edge_quantity: "W", bias_quantity: "b" };
      phases[to] = oldSpec;
      apply(to);
      phases[to] = spec;
      svg.getBoundingClientRect();
      root.classList.add("morph");
      apply(to, { animate: true });
      // The CSS transition has no handle to wait on: a same-length no-op animation marks it.
      track(svg.animate([{ opacity: 1 }, { opacity: 1 }], { duration }));
      return;
    }
    apply(to, { animate: true });
    const k = spec.motion.weight_layer;
    if (spec.kind === "forward") {
      for (const edge of parts.edges) if (edge.k === k) travel([edge.x0, edge.y0], [edge.x1, edge.y1], duration);
      fadeIn(parts.nodeLabels[k + 1], duration);
    } else if (spec.kind === "loss") {
      const out = nLayers - 1;
      for (const [x, y] of pos[out]) travel([x, y], [lossLabel.getAttribute("x") * 1 + font * 3, lossLabel.getAttribute("y") * 1], duration);
      fadeIn([lossLabel, ...targetLabels], duration);
    } else if (spec.kind === "backward") {
      const layer = spec.layer;
      if (k >= nLayers - 1) {
        const source = [lossLabel.getAttribute("x") * 1 + font * 3, lossLabel.getAttribute("y") * 1];
        for (const target of pos[layer]) travel(source, target, duration);
      } else {
        for (const edge of parts.edges) if (edge.k === k) travel([edge.x1, edge.y1], [edge.x0, edge.y0], duration);
      }
      fadeIn(parts.nodeLabels[layer], duration);
    }
    if (!running.size) delete root.dataset.moving;
  }

  // ---- navigation --------------------------------------------------------------------------
  function show(index, { animate = true } = {}) {
    stopMotion();
    const from = state.phase;
    state.phase = Math.max(0, Math.min(index, last));
    remember();
    if (animate && motionOn() && state.phase === from + 1) move(from, state.phase);
    else apply(state.phase);
  }

  function next() {
    if (state.pending || state.waiting) return;
    if (state.stepSize === "step" || state.stepSize === "epoch") {
      stop();
      ask(state.stepSize === "epoch" ? "epoch" : "train");
      SESSION.set(key, { ...SESSION.get(key), showLoss: true });
      return;
    }
    advance();
  }

  // One phase on (auto-play always moves by phases); a pending quiz question stops it.
  function advance() {
    if (state.pending || state.waiting) return;
    if (state.phase === last) {
      stop();
      ask("train");
      return;
    }
    const question = phases[state.phase + 1].question;
    if (state.quiz && question && !(state.phase + 1 in state.answered)) {
      stop();
      pose(question);
      return;
    }
    side.quiz.replaceChildren(...(state.answered[state.phase + 1] ? [mark(state.answered[state.phase + 1])] : []));
    show(state.phase + 1);
  }

  function previous() {
    if (state.pending) closeQuestion();
    stop();
    side.quiz.replaceChildren();
    show(state.phase - 1, { animate: false });
  }

  function home() {
    if (state.pending) closeQuestion();
    stop();
    side.quiz.replaceChildren();
    show(0, { animate: false });
  }

  function ask(action) {
    state.waiting = true;
    root.dataset.waiting = action;
    side.narration.textContent = {
      train: "Computing the next training step…",
      epoch: "Training one epoch…",
      undo: "Going back one training step…",
    }[action];
    setTriggerValue("action", action);
  }

  // ---- auto-play ---------------------------------------------------------------------------
  function tick() {
    if (!state.playing) return;
    if (state.phase === last && state.keepGoing && !data.diverged) {
      stop();
      ask("train");
      SESSION.set(key, { ...SESSION.get(key), resume: true });
      return;
    }
    if (state.phase === last || state.pending) { stop(); return; }
    advance();
    if (state.pending || (state.phase === last && !state.keepGoing)) { stop(); return; }
    state.timer = setTimeout(tick, (data.play_seconds * 1000) / state.speed);
  }
  function play() {
    if (state.playing) return;
    if (state.phase === last) show(0, { animate: false });
    state.playing = true;
    root.dataset.playing = "1";
    buttons.play.textContent = "Pause ❚❚";
    buttons.play.setAttribute("aria-pressed", "true");
    state.timer = setTimeout(tick, (data.play_seconds * 1000) / state.speed);
  }
  function stop() {
    state.playing = false;
    clearTimeout(state.timer);
    delete root.dataset.playing;
    buttons.play.textContent = "Play ▶▶";
    buttons.play.setAttribute("aria-pressed", "false");
  }
  const toggle = () => (state.playing ? stop() : play());

  // ---- quiz --------------------------------------------------------------------------------
  function mark(result) {
    const p = document.createElement("p");
    p.className = result.correct ? "mark right" : "mark wrong";
    p.textContent = result.correct ? `✔ Right: ${result.shown}.` : `✘ Not quite: you said ${result.given}; it is ${result.shown}.`;
    return p;
  }
  function showScore() {
    const score = readScore();
    side.score.textContent = state.quiz ? `Quiz score this session: ${score.right} of ${score.asked}` : "";
  }
  function closeQuestion() {
    state.pending = null;
    delete root.dataset.question;
  }
  function pose(question) {
    state.pending = question;
    root.dataset.question = question.kind;
    const box = document.createElement("form");
    box.className = "question";
    const prompt = document.createElement("p");
    prompt.className = "prompt";
    prompt.textContent = `Predict first: ${question.prompt}`;
    box.appendChild(prompt);
    const answer = (given) => {
      const correct = checkAnswer(question, given);
      const score = readScore();
      saveScore({ right: score.right + (correct ? 1 : 0), asked: score.asked + 1 });
      const shown = question.choices.length ? question.answer : `${Number(question.answer).toFixed(2)} (exactly ${question.answer})`;
      const result = { correct, given: String(given), shown };
      state.answered[question.phase] = result;
      closeQuestion();
      side.quiz.replaceChildren(mark(result));
      showScore();
      show(question.phase);
    };
    if (question.choices.length) {
      for (const choice of question.choices) {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "choice";
        button.textContent = choice;
        button.addEventListener("click", () => answer(choice));
        box.appendChild(button);
      }
    } else {
      const input = document.createElement("input");
      input.type = "text";
      input.inputMode = "decimal";
      input.className = "answer";
      input.setAttribute("aria-label", "Your answer");
      box.appendChild(input);
      const submit = document.createElement("button");
      submit.type = "submit";
      submit.className = "check";
      submit.textContent = "Check";
      box.appendChild(submit);
      box.addEventListener("submit", (event) => {
        event.preventDefault();
        if (input.value.trim()) answer(input.value);
      });
      setTimeout(() => input.focus(), 0);
    }
    const skip = document.createElement("button");
    skip.type = "button";
    skip.className = "skip";
    skip.textContent = "Show me";
    skip.addEventListener("click", () => { closeQuestion(); side.quiz.replaceChildren(); state.answered[question.phase] = null; show(question.phase); });
    box.appendChild(skip);
    side.quiz.replaceChildren(box);
  }

  // ---- keys and controls -------------------------------------------------------------------
  function onKey(event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typingInto(event)) return;
    const keyName = event.key;
    // Space on a focused button presses that button: never also toggle play.
    const onButton = (event.composedPath ? event.composedPath() : [event.target]).some(
      (node) => node instanceof Element && node.matches("button, [role='button'], summary")
    );
    if ((keyName === " " || keyName === "Spacebar") && onButton) return;
    if (keyName === "ArrowRight") next();
    else if (keyName === "ArrowLeft") previous();
    else if (keyName === " " || keyName === "Spacebar") toggle();
    else if (keyName === "Home") home();
    else if (keyName === "n" || keyName === "N") { stop(); ask("train"); }
    else if (keyName === "u" || keyName === "U") { stop(); ask("undo"); }
    else if (keyName === "?") help.hidden = !help.hidden;
    else if (keyName === "Escape" && !help.hidden) help.hidden = true;
    else return;
    event.preventDefault();
  }
  // Follow mode: the teacher's phase arrives as a window event; the keys stay the page's.
  const onFollow = (event) => {
    const phase = Number(event.detail && event.detail.phase);
    if (Number.isInteger(phase) && phase !== state.phase) show(phase);
  };
  if (data.follow) window.addEventListener(data.follow.event, onFollow);
  else document.addEventListener("keydown", onKey);
  root.classList.toggle("follow", Boolean(data.follow));
  buttons.next.onclick = () => { stop(); next(); };
  buttons.prev.onclick = previous;
  buttons.play.onclick = toggle;
  buttons.help.onclick = () => (help.hidden = !help.hidden);
  speed.onchange = () => { state.speed = Number(speed.value); remember(); };
  motionBox.checked = state.motion && !reduced.matches;
  motionBox.disabled = !data.animated || reduced.matches;
  motionBox.onchange = () => { state.motion = motionBox.checked; remember(); root.dataset.motion = motionOn() ? "on" : "off"; };
  const describeStepSize = () => {
    const n = data.epoch_updates;
    const perEpoch = data.batch
      ? `1 weight update (the mean gradient over all ${data.n_examples} examples)`
      : n === 1 ? "1 weight update (the only example)"
        : `${n} weight updates, one per example in turn, back to the one shown`;
    updates.textContent = {
      step: "Each Next: 1 weight update (a whole training step on the server).",
      epoch: `Each Next: one epoch = ${perEpoch}.`,
      phase: "Each Next: one phase (one layer), 0 weight updates; at the update phase, Next takes it: 1.",
    }[state.stepSize] || "";
  };
  stepSize.value = state.stepSize;
  stepSize.onchange = () => {
    state.stepSize = stepSize.value;
    remember();
    describeStepSize();
  // A link to this scenario at the phase shown here: the page's own URL (which the server keeps
  // in step with the settings and the training steps) with this player's phase.
  const linkBox = parentElement.querySelector(".link-box");
  const linkText = parentElement.querySelector(".link-text");
  const linkNote = parentElement.querySelector(".link-note");
  parentElement.querySelector("button.phase-link").onclick = () => {
    const url = new URL(window.location.href);
    url.searchParams.delete("presenter");
    if (state.phase > 0) url.searchParams.set(data.phase_param, String(state.phase));
    else url.searchParams.delete(data.phase_param);
    linkText.value = url.toString();
    linkBox.hidden = false;
    linkText.focus();
    linkText.select();
    const copied = navigator.clipboard ? navigator.clipboard.writeText(linkText.value) : Promise.reject();
    copied.then(() => (linkNote.textContent = "Copied."), () => (linkNote.textContent = "Select and copy it."));
  };
    apply(state.phase);
  };
  describeStepSize();
  keepGoingBox.checked = state.keepGoing;
  keepGoingBox.onchange = () => { state.keepGoing = keepGoingBox.checked; remember(); };
  quizBox.checked = state.quiz;
  quizBox.onchange = () => { state.quiz = quizBox.checked; remember(); showScore(); };
  const onReduced = () => { motionBox.checked = state.motion && !reduced.matches; motionBox.disabled = !data.animated || reduced.matches; root.dataset.motion = motionOn() ? "on" : "off"; };
  reduced.addEventListener("change", onReduced);

  const notes = [];
  if (data.diverged) notes.push(data.diverged);
  if (data.still_reason && !data.diverged) notes.push(data.still_reason);
  else if (reduced.matches) notes.push("Motion is off because your system asks for reduced motion.");
  side.note.textContent = notes.join(" ");
  side.note.setAttribute("role", data.diverged ? "alert" : "status");
  root.classList.toggle("diverged", Boolean(data.diverged));

  build();
  apply(state.phase);
  const mine = state.answered[state.phase];
  side.quiz.replaceChildren(...(mine ? [mark(mine)] : []));
  showScore();
  remember();
  root.dataset.motion = motionOn() ? "on" : "off";
  let lastWidth = svg.parentElement.clientWidth;
  const resize = new ResizeObserver(() => {
    const width = svg.parentElement.clientWidth;
    if (Math.abs(width - lastWidth) < 2) return;
    lastWidth = width;
    stopMotion();
    build();
    apply(state.phase);
  });
  resize.observe(svg.parentElement);
  root.dataset.ready = data.token;
  if (resume) play();

  return () => {
    stop();
    stopMotion();
    resize.disconnect();
    reduced.removeEventListener("change", onReduced);
    document.removeEventListener("keydown", onKey);
    if (data.follow) window.removeEventListener(data.follow.event, onFollow);
  };
}
