// The playground page: every value shown comes from the server's JSON API (lrdsl itself); this
// script only sends the inputs, draws the curve as SVG and keeps the page's state in its URL.
"use strict";

const $ = (id) => document.getElementById(id);
const SVG = "http://www.w3.org/2000/svg";
const W = 800, H = 320, PAD = { left: 58, right: 10, top: 10, bottom: 26 };
const state = { target: "python", start: null, stop: null, main: null, other: null, file: null, seq: 0 };

async function api(name, body) {
  const response = await fetch("/api/" + name, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  const data = await response.json();
  if (!response.ok) throw data.error || { message: "HTTP " + response.status, text: "HTTP " + response.status };
  return data;
}

function debounce(fn, ms) {
  let timer = null;
  return (...args) => { clearTimeout(timer); timer = setTimeout(() => fn(...args), ms); };
}

function number(text) {
  const t = text.trim();
  if (t === "") return null;
  const x = Number(t);
  return Number.isFinite(x) ? x : t; // the server says what is wrong with it
}

function params() {
  const out = {};
  for (const part of $("params").value.split(",")) {
    const [name, value] = part.split("=").map((s) => s.trim());
    if (name) out[name.replace(/^\$/, "")] = Number(value);
  }
  return out;
}

function run() {
  const total = $("total").value.trim();
  return {
    total_steps: total === "" ? null : (/^\d+$/.test(total) ? Number(total) : total),
    steps_per_epoch: number($("spe").value),
    tokens_per_step: number($("tps").value),
    params: params(),
  };
}

// ---------------------------------------------------------------- the URL is the state
const FIELDS = { expr: "expr", steps: "total", spe: "spe", tps: "tps", params: "params", b: "expr2" };

function saveHash() {
  const q = new URLSearchParams();
  for (const [key, id] of Object.entries(FIELDS)) if ($(id).value) q.set(key, $(id).value);
  if ($("member").value) q.set("member", $("member").value);
  if ($("log").checked) q.set("log", "1");
  if (state.target !== "python") q.set("target", state.target);
  history.replaceState(null, "", "#" + q.toString());
}

function loadHash() {
  const q = new URLSearchParams(location.hash.slice(1));
  if (!q.has("expr")) return false;
  for (const [key, id] of Object.entries(FIELDS)) $(id).value = q.get(key) || "";
  $("log").checked = q.get("log") === "1";
  state.member = q.get("member") || "";
  state.target = q.get("target") || "python";
  return true;
}

// ---------------------------------------------------------------- errors and warnings
function showError(err) {
  const box = $("error");
  if (!err) { box.hidden = true; box.textContent = ""; return; }
  box.hidden = false;
  box.textContent = err.text || err.message;
  box.dataset.line = err.line ?? "";
  box.dataset.column = err.column ?? "";
}

function showWarnings(list) {
  const ul = $("warnings");
  ul.replaceChildren(...list.map((w) => { const li = document.createElement("li"); li.textContent = w.text; return li; }));
}

// ---------------------------------------------------------------- the plot
function el(name, attrs, parent) {
  const node = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (parent) parent.appendChild(node);
  return node;
}

function scales(curves) {
  const log = $("log").checked;
  let lo = Infinity, hi = -Infinity, x0 = Infinity, x1 = -Infinity;
  for (const c of curves) {
    c.steps.forEach((s, i) => {
      const v = c.values[i];
      if (v === null || (log && v <= 0)) return;
      lo = Math.min(lo, v); hi = Math.max(hi, v); x0 = Math.min(x0, s); x1 = Math.max(x1, s);
    });
  }
  if (state.start !== null) { x0 = state.start; x1 = state.stop - 1; }
  if (!Number.isFinite(lo)) { lo = 0; hi = 1; x0 = 0; x1 = 1; }
  const f = log ? Math.log10 : (v) => v;
  let a = f(lo), b = f(hi);
  if (a === b) { a -= log ? 0.5 : Math.abs(a) * 0.1 + 1e-12; b += log ? 0.5 : Math.abs(b) * 0.1 + 1e-12; }
  const pad = (b - a) * 0.04;
  a -= pad; b += pad;
  if (x1 === x0) x1 = x0 + 1;
  return {
    x: (s) => PAD.left + ((s - x0) / (x1 - x0)) * (W - PAD.left - PAD.right),
    y: (v) => H - PAD.bottom - ((f(v) - a) / (b - a)) * (H - PAD.top - PAD.bottom),
    step: (px) => x0 + ((px - PAD.left) / (W - PAD.left - PAD.right)) * (x1 - x0),
    x0, x1, lo, hi, log,
  };
}

function pathOf(curve, sc) {
  let d = "";
  curve.steps.forEach((s, i) => {
    const v = curve.values[i];
    if (v === null || (sc.log && v <= 0)) return;
    d += (d ? "L" : "M") + sc.x(s).toFixed(2) + " " + sc.y(v).toFixed(2);
  });
  return d;
}

function shortNumber(v) {
  if (v === 0) return "0";
  const a = Math.abs(v);
  return a >= 1e4 || a < 1e-3 ? v.toExponential(2) : String(Number(v.toPrecision(4)));
}

function draw() {
  const svg = document.querySelector("#plot svg");
  svg.replaceChildren();
  const curves = [state.main, state.other, state.file].filter(Boolean);
  if (!curves.length) return;
  const sc = scales(curves);
  state.scale = sc;
  el("line", { class: "axis", x1: PAD.left, x2: W - PAD.right, y1: H - PAD.bottom, y2: H - PAD.bottom }, svg);
  el("line", { class: "axis", x1: PAD.left, x2: PAD.left, y1: PAD.top, y2: H - PAD.bottom }, svg);
  for (const v of [sc.lo, sc.hi]) {
    el("text", { class: "label", x: 4, y: sc.y(v) + 4 }, svg).textContent = shortNumber(v);
  }
  for (const s of [sc.x0, sc.x1]) {
    const anchor = s === sc.x1 ? "end" : "start";
    el("text", { class: "label", x: sc.x(s), y: H - 8, "text-anchor": anchor }, svg).textContent = "step " + Math.round(s);
  }
  for (const p of (state.phases || [])) {
    if (p.depth !== 0 || p.start === null || p.start <= sc.x0 || p.start >= sc.x1) continue;
    el("line", { class: "phase", x1: sc.x(p.start), x2: sc.x(p.start), y1: PAD.top, y2: H - PAD.bottom }, svg);
  }
  if (state.file) el("path", { class: "curve file", d: pathOf(state.file, sc) }, svg);
  if (state.other) el("path", { class: "curve other", d: pathOf(state.other, sc) }, svg);
  el("path", { class: "curve main", d: pathOf(state.main, sc) }, svg);
  state.zoomRect = el("rect", { class: "zoom", x: 0, y: PAD.top, width: 0, height: H - PAD.top - PAD.bottom }, svg);
}

function phaseAt(step) {
  for (const p of (state.phases || [])) if (p.depth === 0 && p.start <= step && step < p.end) return p.label;
  return "";
}

function nearest(curve, step) {
  let best = 0;
  curve.steps.forEach((s, i) => { if (Math.abs(s - step) < Math.abs(curve.steps[best] - step)) best = i; });
  return best;
}

function svgX(event) {
  const svg = document.querySelector("#plot svg");
  const box = svg.getBoundingClientRect();
  return ((event.clientX - box.left) / box.width) * W;
}

function setupPlot() {
  const svg = document.querySelector("#plot svg");
  const tip = $("tooltip");
  let dragFrom = null;
  svg.addEventListener("mousemove", (event) => {
    if (!state.main || !state.scale) return;
    const px = svgX(event);
    if (dragFrom !== null) {
      state.zoomRect.setAttribute("x", Math.min(dragFrom, px));
      state.zoomRect.setAttribute("width", Math.abs(px - dragFrom));
    }
    const i = nearest(state.main, state.scale.step(px));
    const s = state.main.steps[i], v = state.main.values[i];
    tip.hidden = false;
    tip.textContent = `step ${s}: ${v}` + (phaseAt(s) ? ` — ${phaseAt(s)}` : "");
    const box = svg.getBoundingClientRect();
    tip.style.left = Math.min(event.clientX - box.left + 12, box.width - tip.offsetWidth) + "px";
    tip.style.top = (event.clientY - box.top + 12) + "px";
  });
  svg.addEventListener("mouseleave", () => { tip.hidden = true; });
  svg.addEventListener("mousedown", (event) => { dragFrom = svgX(event); });
  svg.addEventListener("mouseup", (event) => {
    if (dragFrom === null || !state.scale) return;
    const a = state.scale.step(Math.min(dragFrom, svgX(event)));
    const b = state.scale.step(Math.max(dragFrom, svgX(event)));
    dragFrom = null;
    if (b - a < 2) { draw(); return; }
    state.start = Math.max(0, Math.floor(a));
    state.stop = Math.min(state.total, Math.ceil(b) + 1);
    update();
  });
  svg.addEventListener("dblclick", () => { state.start = state.stop = null; update(); });
}

// ---------------------------------------------------------------- the phase table and the code
function showPhases(rows, more) {
  const body = document.querySelector("#phases tbody");
  body.replaceChildren(...rows.map((p) => {
    const tr = document.createElement("tr");
    const cells = [`${Math.round(p.start)}–${Math.round(p.end) - 1}`, shortNumber(p.first), shortNumber(p.last),
      "\u00a0".repeat(2 * p.depth) + p.label];
    for (const c of cells) { const td = document.createElement("td"); td.textContent = c; tr.appendChild(td); }
    return tr;
  }));
  if (more) {
    const tr = document.createElement("tr"), td = document.createElement("td");
    td.colSpan = 4; td.textContent = `… and ${more} more`; tr.appendChild(td); body.appendChild(tr);
  }
}

async function showCode() {
  for (const b of document.querySelectorAll("#tabs [data-target]")) {
    b.setAttribute("aria-selected", String(b.dataset.target === state.target));
  }
  const body = { expr: $("expr").value, target: state.target, ...run() };
  if ($("member").value) body.member = $("member").value;
  try {
    $("code").textContent = (await api("generate", body)).code;
  } catch (err) {
    $("code").textContent = "";
  }
}

function setMembers(names) {
  const select = $("member");
  const current = select.value || state.member || "";
  if ([...select.options].map((o) => o.value).join() === names.join()) return;
  select.replaceChildren(...names.map((n) => { const o = document.createElement("option"); o.value = o.textContent = n; return o; }));
  select.value = names.includes(current) ? current : names[0];
}

// ---------------------------------------------------------------- evaluation
async function update() {
  saveHash();
  const seq = ++state.seq;
  const body = { expr: $("expr").value, ...run(), points: 1000 };
  if ($("member").value && $("member").options.length > 1) body.member = $("member").value;
  if (state.start !== null) { body.start = state.start; body.stop = state.stop; }
  try {
    const data = await api("evaluate", body);
    if (seq !== state.seq) return; // a newer edit is on its way
    showError(null);
    state.total = data.total;
    const names = Object.keys(data.members);
    if (!body.member) setMembers(names);
    state.main = { steps: data.steps, values: data.values };
    state.phases = data.phases;
    $("note").textContent = data.members[names[0]].note || "";
    showWarnings(data.warnings);
    showPhases(data.phases, data.more_phases);
    await overlay();
    draw();
    showCode();
  } catch (err) {
    if (seq !== state.seq) return;
    if (body.start !== undefined && /start/.test(err.message || "")) { state.start = state.stop = null; return update(); }
    showError(err);
  }
}

async function overlay() {
  const other = $("expr2").value.trim();
  const box = $("compare");
  if (!other) { state.other = null; box.hidden = true; return; }
  try {
    const body = { expr: other, ...run(), total_steps: state.total, points: 1000 };
    if (state.start !== null) { body.start = state.start; body.stop = state.stop; }
    const data = await api("evaluate", body);
    state.other = { steps: data.steps, values: data.values };
    const cmp = await api("compare", { a: $("expr").value, b: other, ...run(), params: undefined, total_steps: state.total });
    box.hidden = false;
    box.textContent = cmp.equal ? "equal at every step" :
      `they differ at ${cmp.differing_steps} step(s), first at step ${cmp.first_step}: ${cmp.a_value} vs ${cmp.b_value}` +
      (cmp.difference ? `\n${cmp.difference}` : "") + (cmp.suggestion ? `\nsuggestion: ${cmp.suggestion}` : "");
  } catch (err) {
    state.other = null;
    box.hidden = false;
    box.textContent = err.text || err.message;
  }
}

// ---------------------------------------------------------------- dropped curves, imports, examples
function base64(buffer) {
  let text = "";
  const bytes = new Uint8Array(buffer);
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

async function fitFile(file) {
  const out = $("fit");
  out.hidden = false;
  out.textContent = `fitting ${file.name} …`;
  $("use-fit").hidden = true;
  try {
    const data = await api("fit", { file: base64(await file.arrayBuffer()), name: file.name, steps_per_epoch: number($("spe").value) });
    state.file = data.curve;
    out.textContent = (data.exact ? "exact: " : "closest: ") + data.expr + (data.note ? `\n${data.note}` : "");
    $("use-fit").hidden = false;
    $("use-fit").onclick = () => { $("expr").value = data.expr; $("total").value = String(data.curve.steps.at(-1) + 1); update(); };
    draw();
  } catch (err) {
    out.textContent = err.text || err.message;
  }
}

function setupDrop() {
  const zone = $("drop");
  for (const name of ["dragenter", "dragover"]) zone.addEventListener(name, (e) => { e.preventDefault(); zone.classList.add("over"); });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", (e) => {
    e.preventDefault();
    zone.classList.remove("over");
    if (e.dataTransfer.files.length) fitFile(e.dataTransfer.files[0]);
  });
}

async function importCall() {
  const out = $("import-result");
  out.hidden = false;
  try {
    const data = await api("import", { framework: $("import-framework").value, code: $("import-code").value, ...run(), params: undefined });
    out.textContent = data.expr;
    $("expr").value = data.expr.split("  # ")[0];
    update();
  } catch (err) {
    out.textContent = err.text || err.message;
  }
}

async function setupExamples() {
  const select = $("examples");
  let list = [];
  try {
    const response = await fetch("/api/examples");
    list = (await response.json()).examples;
  } catch (err) { return; }
  for (const [i, ex] of list.entries()) {
    const o = document.createElement("option");
    o.value = String(i);
    o.textContent = `${ex.title}: ${ex.expr}`;
    select.appendChild(o);
  }
  select.addEventListener("change", () => {
    const ex = list[Number(select.value)];
    if (!ex) return;
    $("expr").value = ex.expr;
    $("total").value = ex.total_steps ?? "";
    $("spe").value = ex.steps_per_epoch ?? "";
    $("tps").value = ex.tokens_per_step ?? "";
    state.start = state.stop = null;
    update();
  });
}

function init() {
  loadHash();
  const later = debounce(() => { state.start = state.stop = null; update(); }, 250);
  for (const id of ["expr", "total", "spe", "tps", "params", "expr2"]) $(id).addEventListener("input", later);
  $("member").addEventListener("change", update);
  $("log").addEventListener("change", () => { saveHash(); draw(); });
  for (const b of document.querySelectorAll("#tabs [data-target]")) {
    b.addEventListener("click", () => { state.target = b.dataset.target; saveHash(); showCode(); });
  }
  $("copy").addEventListener("click", () => navigator.clipboard && navigator.clipboard.writeText($("code").textContent));
  $("share").addEventListener("click", () => navigator.clipboard && navigator.clipboard.writeText(location.href));
  $("import-go").addEventListener("click", importCall);
  window.addEventListener("hashchange", () => { if (loadHash()) update(); });
  setupPlot();
  setupDrop();
  setupExamples();
  update();
}

document.addEventListener("DOMContentLoaded", init);
