// The training lab's Play player (st.components.v2, mounted in the page, not an iframe).
// The server sends one chunk of frames every couple of seconds (viz/training_lab/player.py);
// this plays them one after another on canvases. It only draws numbers it is given: the
// network is trained and evaluated on the server by the engine.
const STYLE = `
.lab-player { font-family: inherit; color: inherit; }
.lab-player-metrics { display: flex; gap: 1rem; flex-wrap: wrap; margin-bottom: 0.5rem; }
.lab-player-metric { flex: 1 1 8rem; }
.lab-player-label { font-size: 0.875rem; }
.lab-player-value { font-size: 2.25rem; line-height: 1.2; }
.lab-player-progress { height: 0.5rem; background: #e6e6e6; border-radius: 0.25rem; margin-bottom: 0.75rem; }
.lab-player-progress > div { height: 100%; width: 0; background: #0072B2; border-radius: 0.25rem; }
.lab-player-row { display: flex; gap: 16px; align-items: flex-start; }
.lab-player-row + .lab-player-row { margin-top: 12px; }
.lab-player canvas { background: white; max-width: 100%; }
.lab-player-caption { font-size: 0.875rem; margin-top: 0.25rem; }
`;
const METRICS = ["Updates", "Epochs", "Train loss", "Test", "Updates per second"];

function hexToRgb(hex) {
  const value = parseInt(hex.slice(1), 16);
  return [(value >> 16) & 255, (value >> 8) & 255, value & 255];
}

function mix(a, b, t) {
  return [0, 1, 2].map((i) => Math.round(a[i] + (b[i] - a[i]) * t));
}

// 256 colours: code 0 = first class's fill, 128 = the middle, 255 = second class's fill.
function diverging(colors) {
  const low = hexToRgb(colors.class_fills[0]);
  const mid = hexToRgb(colors.middle);
  const high = hexToRgb(colors.class_fills[1]);
  const table = [];
  for (let code = 0; code < 256; code++) {
    const t = code / 255;
    table.push(t < 0.5 ? mix(low, mid, t * 2) : mix(mid, high, (t - 0.5) * 2));
  }
  return table;
}

function decode(base64) {
  const text = atob(base64);
  const codes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) codes[i] = text.charCodeAt(i);
  return codes;
}

// An m x m picture (row i = i-th value of the second feature, lowest first) on a small canvas.
function picture(codes, offset, m, table) {
  const canvas = document.createElement("canvas");
  canvas.width = m;
  canvas.height = m;
  const context = canvas.getContext("2d");
  const image = context.createImageData(m, m);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) {
      const rgb = table[codes[offset + i * m + j]];
      const at = ((m - 1 - i) * m + j) * 4; // canvas rows go down, the feature goes up
      image.data[at] = rgb[0];
      image.data[at + 1] = rgb[1];
      image.data[at + 2] = rgb[2];
      image.data[at + 3] = 255;
    }
  }
  context.putImageData(image, 0, 0);
  return canvas;
}

// A class's marker: its own shape (viz/training_lab/common.py CLASS_SYMBOLS) as well as its
// colour, so colour is never the only cue. Training rows are filled, test rows open.
function marker(context, symbol, x, y, r, color, open) {
  context.beginPath();
  if (symbol === "square") {
    context.rect(x - r * 0.85, y - r * 0.85, r * 1.7, r * 1.7);
  } else if (symbol === "diamond") {
    context.moveTo(x, y - r * 1.2);
    context.lineTo(x + r * 1.2, y);
    context.lineTo(x, y + r * 1.2);
    context.lineTo(x - r * 1.2, y);
    context.closePath();
  } else if (symbol === "triangle-up") {
    context.moveTo(x, y - r * 1.2);
    context.lineTo(x + r * 1.1, y + r * 0.8);
    context.lineTo(x - r * 1.1, y + r * 0.8);
    context.closePath();
  } else if (symbol === "star" || symbol === "hexagon") {
    const corners = symbol === "star" ? 10 : 6;
    for (let k = 0; k < corners; k++) {
      const angle = -Math.PI / 2 + (k * 2 * Math.PI) / corners;
      const radius = symbol === "star" && k % 2 ? r * 0.55 : r * 1.25;
      const px = x + radius * Math.cos(angle);
      const py = y + radius * Math.sin(angle);
      if (k) context.lineTo(px, py);
      else context.moveTo(px, py);
    }
    context.closePath();
  } else {
    context.arc(x, y, r, 0, 2 * Math.PI);
  }
  if (open) {
    context.lineWidth = 2;
    context.strokeStyle = color;
    context.stroke();
  } else {
    context.fillStyle = color;
    context.fill();
    context.lineWidth = 1;
    context.strokeStyle = "white";
    context.stroke();
  }
}

function classMarker(context, colors, cls, x, y, r, open) {
  const color = colors.class_colors[cls % colors.class_colors.length];
  const symbol = colors.class_symbols[cls % colors.class_symbols.length];
  marker(context, symbol, x, y, r, color, open);
}

function format(value, digits = 4) {
  if (value === null || value === undefined) return "undefined";
  if (value === 0) return "0";
  const magnitude = Math.abs(value);
  if (magnitude >= 1e5 || magnitude < 1e-4) return value.toExponential(digits - 1);
  return String(Number(value.toPrecision(digits)));
}

function build(root) {
  root.innerHTML = "";
  // Styles travel with the script: the player is mounted in the page (no shadow root).
  const style = document.createElement("style");
  style.textContent = STYLE;
  root.append(style);
  const box = document.createElement("div");
  box.className = "lab-player";
  const metrics = document.createElement("div");
  metrics.className = "lab-player-metrics";
  const values = {};
  for (const label of METRICS) {
    // Same test ids as st.metric: the browser tests and benchmarks read the counter the same
    // way whether the lab is paused (st.metric) or playing (this player).
    const metric = document.createElement("div");
    metric.setAttribute("data-testid", "stMetric");
    metric.className = "lab-player-metric";
    const name = document.createElement("div");
    name.className = "lab-player-label";
    name.textContent = label;
    const value = document.createElement("div");
    value.setAttribute("data-testid", "stMetricValue");
    value.className = "lab-player-value";
    metric.append(name, value);
    metrics.append(metric);
    values[label] = { name, value };
  }
  const progress = document.createElement("div");
  progress.className = "lab-player-progress";
  const bar = document.createElement("div");
  progress.append(bar);
  const row = document.createElement("div");
  row.className = "lab-player-row";
  const plane = document.createElement("canvas");
  plane.setAttribute("role", "img");
  const network = document.createElement("canvas");
  network.setAttribute("role", "img");
  row.append(plane, network);
  const lower = document.createElement("div");
  lower.className = "lab-player-row";
  const hidden = document.createElement("canvas");
  hidden.setAttribute("role", "img");
  hidden.className = "lab-player-hidden";
  const loss = document.createElement("canvas");
  loss.setAttribute("role", "img");
  lower.append(hidden, loss);
  const caption = document.createElement("p");
  caption.className = "lab-player-caption";
  box.append(metrics, progress, row, lower, caption);
  root.append(box);
  return { box, values, bar, plane, network, hidden, loss, caption };
}

function drawPlane(canvas, data, frame, table) {
  const plane = data.plane;
  if (!plane || !frame.boundary) {
    canvas.style.display = "none";
    return;
  }
  canvas.style.display = "";
  const size = canvas.width;
  const context = canvas.getContext("2d");
  const codes = decode(frame.boundary);
  // Several classes: a code is the predicted class; one output: a code is P(class 1).
  const colors = plane.classes ? data.colors.class_fills.map(hexToRgb) : table;
  const image = picture(codes, 0, plane.n, colors);
  context.imageSmoothingEnabled = !plane.classes;
  context.drawImage(image, 0, 0, size, size);
  const [x0, x1] = plane.x_range;
  const [y0, y1] = plane.y_range;
  const points = plane.points;
  for (let k = 0; k < points.x.length; k++) {
    if (points.x[k] === null || points.y[k] === null) continue;
    const px = ((points.x[k] - x0) / (x1 - x0)) * size;
    const py = size - ((points.y[k] - y0) / (y1 - y0)) * size;
    classMarker(context, data.colors, points.cls[k], px, py, 4, points.test[k]);
  }
  context.fillStyle = data.colors.ink;
  context.font = "12px sans-serif";
  context.fillText(`${plane.x_name} →`, size - 60, size - 6);
  context.save();
  context.translate(12, 60);
  context.rotate(-Math.PI / 2);
  context.fillText(`${plane.y_name} →`, 0, 0);
  context.restore();
  canvas.setAttribute(
    "aria-label",
    `Data and the network's prediction over the input plane after ${frame.update} updates.`,
  );
}

function drawNetwork(canvas, data, frame, table) {
  const context = canvas.getContext("2d");
  const width = canvas.width;
  const height = canvas.height;
  context.clearRect(0, 0, width, height);
  const sizes = data.layer_sizes;
  const largest = Math.max(...sizes);
  const node = Math.max(14, Math.min(40, (height - 20) / largest - 6));
  const columnX = (layer) => 80 + (layer * (width - 120)) / (sizes.length - 1);
  const rowY = (layer, unit) => height / 2 + (unit - (sizes[layer] - 1) / 2) * (node + 6);
  let peak = 0;
  for (const W of frame.weights) for (const w of W) if (w !== null) peak = Math.max(peak, Math.abs(w));
  peak = peak || 1;
  for (let layer = 0; layer < frame.weights.length; layer++) {
    const W = frame.weights[layer];
    const nIn = sizes[layer];
    for (let row = 0; row < sizes[layer + 1]; row++) {
      for (let col = 0; col < nIn; col++) {
        const w = W[row * nIn + col];
        if (w === null) continue;
        const strength = Math.abs(w) / peak;
        const zero = data.zero_threshold !== null && Math.abs(w) <= data.zero_threshold;
        context.setLineDash(zero ? [4, 4] : []);
        context.strokeStyle = zero ? data.colors.dimmed : w >= 0 ? data.colors.positive : data.colors.negative;
        context.globalAlpha = zero ? 0.6 : 0.25 + 0.75 * strength;
        context.lineWidth = zero ? 1 : 0.5 + 4 * strength;
        context.beginPath();
        context.moveTo(columnX(layer), rowY(layer, col));
        context.lineTo(columnX(layer + 1), rowY(layer + 1, row));
        context.stroke();
      }
    }
  }
  context.setLineDash([]);
  context.globalAlpha = 1;
  context.font = "11px sans-serif";
  context.textAlign = "center";
  for (let unit = 0; unit < sizes[0]; unit++) {
    const x = columnX(0);
    const y = rowY(0, unit);
    context.fillStyle = data.colors.node;
    context.strokeStyle = data.colors.outline;
    context.beginPath();
    context.arc(x, y, node / 2, 0, 2 * Math.PI);
    context.fill();
    context.stroke();
    context.fillStyle = data.colors.text;
    context.textAlign = "right";
    context.fillText(data.input_names[unit] || `x${unit + 1}`, x - node / 2 - 4, y + 4);
    context.textAlign = "center";
  }
  const m = data.plane ? data.plane.m : 0;
  for (let layer = 1; layer < sizes.length; layer++) {
    const codes = frame.neurons.length ? decode(frame.neurons[layer - 1]) : null;
    for (let unit = 0; unit < sizes[layer]; unit++) {
      const x = columnX(layer) - node / 2;
      const y = rowY(layer, unit) - node / 2;
      if (codes) {
        context.imageSmoothingEnabled = true;
        context.drawImage(picture(codes, unit * m * m, m, table), x, y, node, node);
      } else {
        context.fillStyle = data.colors.node;
        context.fillRect(x, y, node, node);
      }
      context.strokeStyle = data.colors.outline;
      context.lineWidth = 1;
      context.strokeRect(x, y, node, node);
    }
  }
  canvas.setAttribute(
    "aria-label",
    `The ${sizes.join("-")} network after ${frame.update} updates: line width and colour show` +
      " each weight; each neuron's square shows its output over the input plane.",
  );
}

// The training rows at their two activations in the 2-unit hidden layer, on axes fixed for the
// chunk, with the output's straight boundary (z = 0) when one output unit follows the layer.
function drawHidden(canvas, data, frame) {
  const hidden = data.hidden;
  if (!hidden || !frame.hidden) {
    canvas.style.display = "none";
    return;
  }
  canvas.style.display = "";
  const context = canvas.getContext("2d");
  const size = canvas.width;
  context.clearRect(0, 0, size, canvas.height);
  const left = 44;
  const top = 28;
  const right = size - 10;
  const bottom = canvas.height - 34;
  const [x0, x1] = hidden.x_range;
  const [y0, y1] = hidden.y_range;
  const px = (a) => left + ((a - x0) / (x1 - x0)) * (right - left);
  const py = (a) => bottom - ((a - y0) / (y1 - y0)) * (bottom - top);
  context.strokeStyle = data.colors.guide;
  context.lineWidth = 1;
  context.strokeRect(left, top, right - left, bottom - top);
  context.fillStyle = data.colors.ink;
  context.font = "13px sans-serif";
  context.textAlign = "left";
  context.fillText(`Hidden layer ${hidden.layer}: the data as its 2 units see it`, 4, 16);
  context.font = "11px sans-serif";
  context.textAlign = "center";
  context.fillText(format(x0, 3), left, bottom + 13);
  context.fillText(format(x1, 3), right, bottom + 13);
  context.fillText(`a_1 (layer ${hidden.layer}, unit 1, ${hidden.activation}) →`, (left + right) / 2, bottom + 28);
  context.textAlign = "right";
  context.fillText(format(y0, 3), left - 3, bottom);
  context.fillText(format(y1, 3), left - 3, top + 9);
  context.save();
  context.translate(12, (top + bottom) / 2);
  context.rotate(-Math.PI / 2);
  context.textAlign = "center";
  context.fillText(`a_2 (unit 2, ${hidden.activation}) →`, 0, 0);
  context.restore();
  context.textAlign = "left";
  const codes = decode(frame.hidden);
  for (let k = 0; k < hidden.classes.length; k++) {
    const c1 = codes[2 * k];
    const c2 = codes[2 * k + 1];
    if (c1 === 255 || c2 === 255) continue; // not finite
    const a1 = x0 + (c1 / 254) * (x1 - x0);
    const a2 = y0 + (c2 / 254) * (y1 - y0);
    classMarker(context, data.colors, hidden.classes[k], px(a1), py(a2), 3.5, false);
  }
  const line = frame.hidden_line;
  if (line && line.every((v) => v !== null)) {
    // w1 a1 + w2 a2 + b = 0, drawn between the points where it crosses the box.
    const [w1, w2, b] = line;
    const ends = [];
    if (Math.abs(w2) > 1e-12) {
      for (const a1 of [x0, x1]) ends.push([a1, -(w1 * a1 + b) / w2]);
    } else if (Math.abs(w1) > 1e-12) {
      for (const a2 of [y0, y1]) ends.push([-b / w1, a2]);
    }
    if (ends.length) {
      context.save();
      context.beginPath();
      context.rect(left, top, right - left, bottom - top);
      context.clip();
      context.strokeStyle = data.colors.ink;
      context.lineWidth = 2;
      context.beginPath();
      context.moveTo(px(ends[0][0]), py(ends[0][1]));
      context.lineTo(px(ends[1][0]), py(ends[1][1]));
      context.stroke();
      context.restore();
    }
  }
  const accuracy =
    frame.train_accuracy === null ? "" : ` Training accuracy ${(100 * frame.train_accuracy).toFixed(0)}%.`;
  canvas.setAttribute(
    "aria-label",
    `Hidden layer ${hidden.layer}: the ${hidden.classes.length} training rows placed at the` +
      ` outputs of its 2 units (${hidden.activation}) after ${frame.update} updates, same shapes` +
      ` as the data plot` +
      (line ? "; the straight line is where the output unit's z = 0." : ".") +
      accuracy,
  );
}

function drawLoss(canvas, data, frame) {
  const context = canvas.getContext("2d");
  const width = canvas.width;
  const height = canvas.height;
  context.clearRect(0, 0, width, height);
  const left = 50;
  const bottom = height - 24;
  const total = Math.max(data.total_updates, 1);
  const series = data.loss;
  let top = 0;
  for (let k = 0; k < series.update.length; k++) {
    for (const value of [series.train[k], series.test[k]]) {
      if (value !== null && Number.isFinite(value)) top = Math.max(top, value);
    }
  }
  top = top || 1;
  const x = (update) => left + (update / total) * (width - left - 10);
  const y = (value) => bottom - (Math.min(value, top) / top) * (bottom - 10);
  context.strokeStyle = data.colors.guide;
  context.lineWidth = 1;
  context.beginPath();
  context.moveTo(left, 10);
  context.lineTo(left, bottom);
  context.lineTo(width - 10, bottom);
  context.stroke();
  context.fillStyle = data.colors.ink;
  context.font = "12px sans-serif";
  context.fillText(format(top, 3), 4, 16);
  context.fillText("0", 30, bottom);
  context.fillText(`update (of ${total})`, width / 2 - 40, height - 6);
  for (const [key, color, dash] of [
    ["train", data.colors.train, []],
    ["test", data.colors.test, [6, 4]],
  ]) {
    context.strokeStyle = color;
    context.setLineDash(dash);
    context.lineWidth = 2;
    context.beginPath();
    let started = false;
    for (let k = 0; k < series.update.length && series.update[k] <= frame.update; k++) {
      const value = series[key][k];
      if (value === null) continue;
      if (started) context.lineTo(x(series.update[k]), y(value));
      else context.moveTo(x(series.update[k]), y(value));
      started = true;
    }
    context.stroke();
  }
  context.setLineDash([]);
  context.fillStyle = data.colors.train;
  context.fillText("train loss (solid)", width - 250, 20);
  context.fillStyle = data.colors.test;
  context.fillText("test loss (dashed)", width - 130, 20);
  canvas.setAttribute("aria-label", `Loss curves up to update ${frame.update}.`);
}

function show(player, frame) {
  const data = player.data;
  const ui = player.ui;
  const width = Math.max(300, ui.box.clientWidth || 800);
  const half = Math.floor((width - 16) / 2);
  const side = Math.min(half, 420);
  if (ui.plane.width !== side) {
    ui.plane.width = side;
    ui.plane.height = side;
  }
  if (ui.network.width !== half || ui.network.height !== side) {
    ui.network.width = half;
    ui.network.height = side;
  }
  // With a hidden plane, it sits left of the loss curve, as wide as the input plane.
  const hiddenSide = data.hidden && frame.hidden ? Math.min(side, 360) : 0;
  const lossWidth = hiddenSide ? Math.max(300, width - hiddenSide - 16) : width;
  if (hiddenSide && ui.hidden.width !== hiddenSide) {
    ui.hidden.width = hiddenSide;
    ui.hidden.height = hiddenSide;
  }
  if (ui.loss.width !== lossWidth) {
    ui.loss.width = lossWidth;
    ui.loss.height = 220;
  }
  drawPlane(ui.plane, data, frame, player.table);
  drawNetwork(ui.network, data, frame, player.table);
  drawHidden(ui.hidden, data, frame);
  drawLoss(ui.loss, data, frame);
  const values = ui.values;
  values["Updates"].value.textContent = frame.update.toLocaleString("en-US");
  values["Epochs"].value.textContent = frame.epoch.toFixed(2);
  values["Train loss"].name.textContent = `Train loss (update ${frame.update.toLocaleString("en-US")})`;
  values["Train loss"].value.textContent = format(frame.train_loss);
  const accuracy = data.task !== "regression";
  values["Test"].name.textContent = accuracy ? "Test accuracy" : "Test loss";
  values["Test"].value.textContent = format(accuracy ? frame.test_accuracy : frame.test_loss);
  const now = performance.now();
  player.shown.push([now, frame.update]);
  while (player.shown.length > 12) player.shown.shift();
  const [then, before] = player.shown[0];
  const rate = now > then ? ((frame.update - before) * 1000) / (now - then) : 0;
  values["Updates per second"].value.textContent = rate.toFixed(0);
  ui.bar.style.width = `${Math.min(100, (100 * frame.update) / Math.max(data.total_updates, 1))}%`;
  ui.caption.textContent =
    `Playing: update ${frame.update.toLocaleString("en-US")} of ` +
    `${data.total_updates.toLocaleString("en-US")}, epoch ${frame.epoch.toFixed(2)} of ` +
    `${data.epochs}; train loss ${format(frame.train_loss)}` +
    (frame.zero_weights === null
      ? ". "
      : `; ${frame.zero_weights} weights at zero (dashed). `) +
    "The gradient flow, the distributions and time travel come back when you pause.";
  player.drawn += 1;
  ui.box.setAttribute("data-frames-drawn", String(player.drawn));
  ui.box.setAttribute("data-update", String(frame.update));
}

function tick(player) {
  // Keep about one chunk queued: play faster when frames pile up, slower when they run out.
  const queued = player.queue.length;
  const base = player.data ? player.data.frame_ms : 170;
  const wait = queued > 9 ? base * 0.7 : queued < 3 ? base * 1.15 : base;
  const frame = player.queue.shift();
  if (frame) show(player, frame);
  player.timer = setTimeout(() => tick(player), wait);
}

export default function (component) {
  const { data, parentElement } = component;
  let player = parentElement.__labPlayer;
  if (!player || !player.ui.box.isConnected) {
    player = { ui: build(parentElement), queue: [], drawn: 0, chunk: -1, shown: [], timer: null };
    parentElement.__labPlayer = player;
  }
  if (data && data.chunk > player.chunk) {
    player.chunk = data.chunk;
    player.data = data;
    player.table = diverging(data.colors);
    player.queue.push(...data.frames);
    if (!player.drawn && player.queue.length) show(player, player.queue.shift());
  }
  if (player.timer === null) tick(player);
  return () => {
    clearTimeout(player.timer);
    player.timer = null;
  };
}
