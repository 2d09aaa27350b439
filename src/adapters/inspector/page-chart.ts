// The inspector page: statechart layout and SVG drawing.
// Plain browser JavaScript kept as text: the package serves it itself, so the page needs nothing
// from outside. No template literals inside (this is one).

/** The inspector page: statechart layout and SVG drawing. */
export const CHART_SCRIPT = String.raw`
/* Statechart layout and drawing: a layered layout of the top-level states, compound states as
   boxes listing their children, in SVG. */
var SVG_NS = 'http://www.w3.org/2000/svg';
var layouts = new Map();

function svgEl(name, attrs, text) {
  var el = document.createElementNS(SVG_NS, name);
  for (var k in attrs) el.setAttribute(k, String(attrs[k]));
  if (text !== undefined) el.textContent = text;
  return el;
}

function layoutGraph(graph) {
  var cached = layouts.get(graph);
  if (cached) return cached;
  var byId = new Map();
  var children = new Map();
  var tops = [];
  graph.nodes.forEach(function (n) {
    byId.set(n.id, n);
    if (n.parent === undefined || n.parent === null) tops.push(n);
    else {
      if (!children.has(n.parent)) children.set(n.parent, []);
      children.get(n.parent).push(n);
    }
  });
  function topOf(id) {
    var n = byId.get(id);
    while (n && n.parent) n = byId.get(n.parent);
    return n ? n.id : id;
  }
  var order = new Map();
  tops.forEach(function (n, i) { order.set(n.id, i); });
  var edges = new Map();
  graph.edges.forEach(function (e) {
    var s = topOf(e.source), t = topOf(e.target);
    if (s === t) return;
    var key = s + '>' + t;
    if (!edges.has(key)) edges.set(key, { source: s, target: t, events: [], back: false });
    var list = edges.get(key).events;
    if (list.indexOf(e.event) < 0) list.push(e.event);
  });
  var out = new Map();
  edges.forEach(function (e) {
    if (!out.has(e.source)) out.set(e.source, []);
    out.get(e.source).push(e);
  });
  // Break cycles with a depth-first walk that prefers states in the order they are declared
  // (the happy path first); edges back to a state on the walk's stack are drawn as returns.
  var state = new Map();
  function walk(id) {
    state.set(id, 1);
    (out.get(id) || []).slice().sort(function (a, b) { return order.get(a.target) - order.get(b.target); }).forEach(function (e) {
      var seen = state.get(e.target);
      if (seen === 1) e.back = true;
      else if (!seen) walk(e.target);
    });
    state.set(id, 2);
  }
  var start = graph.initial ? topOf(graph.initial) : (tops[0] && tops[0].id);
  if (start) walk(start);
  tops.forEach(function (n) { if (!state.has(n.id)) walk(n.id); });
  // Longest path over the forward edges: each state one column right of everything leading to it.
  var layer = new Map();
  function depth(id) {
    if (layer.has(id)) return layer.get(id);
    layer.set(id, 0);
    var d = 0;
    edges.forEach(function (e) { if (e.target === id && !e.back) d = Math.max(d, depth(e.source) + 1); });
    layer.set(id, d);
    return d;
  }
  tops.forEach(function (n) { depth(n.id); });
  var columns = [];
  tops.forEach(function (n) {
    var l = layer.get(n.id);
    (columns[l] = columns[l] || []).push(n);
  });
  var boxes = new Map();
  var sizeOf = function (n) {
    var kids = children.get(n.id) || [];
    return { w: kids.length ? 150 : 116, h: kids.length ? 34 + kids.length * 22 : 34, kids: kids };
  };
  var colHeight = columns.map(function (col) {
    return (col || []).reduce(function (sum, n) { return sum + sizeOf(n).h + 36; }, -36);
  });
  var tallest = Math.max.apply(null, colHeight.concat([0]));
  var width = 0, height = 0;
  columns.forEach(function (col, l) {
    var y = 24 + (tallest - colHeight[l]) / 2;
    (col || []).forEach(function (n) {
      var size = sizeOf(n);
      var box = { node: n, x: 24 + l * 190, y: y, w: size.w, h: size.h, kids: [] };
      size.kids.forEach(function (k, i) {
        box.kids.push({ node: k, x: box.x + 10, y: y + 28 + i * 22, w: size.w - 20, h: 18 });
      });
      boxes.set(n.id, box);
      y += size.h + 36;
      width = Math.max(width, box.x + size.w + 24);
      height = Math.max(height, y - 36);
    });
  });
  var backs = 0;
  edges.forEach(function (e) { if (e.back) e.lane = backs++; });
  height += 30 + backs * 16;
  var laid = { boxes: boxes, edges: Array.from(edges.values()), width: width, height: height + 10, bottom: height - 30 - backs * 16, layer: layer };
  layouts.set(graph, laid);
  return laid;
}

function drawChart(graph, activeTop, activeDetail) {
  var laid = layoutGraph(graph);
  var svg = svgEl('svg', { viewBox: '0 0 ' + laid.width + ' ' + laid.height, class: 'chart', role: 'img', 'data-current': activeTop || '' });
  var defs = svgEl('defs', {});
  var marker = svgEl('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' });
  marker.appendChild(svgEl('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: 'arrowhead' }));
  defs.appendChild(marker);
  svg.appendChild(defs);
  laid.edges.forEach(function (e) {
    var a = laid.boxes.get(e.source), b = laid.boxes.get(e.target);
    if (!a || !b) return;
    var d, lx, ly;
    if (!e.back) {
      var x1 = a.x + a.w, y1 = a.y + Math.min(a.h / 2, 17), x2 = b.x, y2 = b.y + Math.min(b.h / 2, 17);
      var mx = (x1 + x2) / 2;
      d = 'M ' + x1 + ' ' + y1 + ' C ' + mx + ' ' + y1 + ', ' + mx + ' ' + y2 + ', ' + x2 + ' ' + y2;
      lx = mx; ly = (y1 + y2) / 2 - 4;
    } else {
      // A return runs under every state, in a lane of its own.
      var sx = a.x + a.w / 2 + 8, sy = a.y + a.h, tx = b.x + b.w / 2 - 8, ty = b.y + b.h;
      var lane = laid.bottom + 22 + e.lane * 16;
      d = 'M ' + sx + ' ' + sy + ' L ' + sx + ' ' + (lane - 6) + ' Q ' + sx + ' ' + lane + ', ' + (sx - 6) + ' ' + lane +
        ' L ' + (tx + 6) + ' ' + lane + ' Q ' + tx + ' ' + lane + ', ' + tx + ' ' + (lane - 6) + ' L ' + tx + ' ' + ty;
      lx = (sx + tx) / 2; ly = lane - 3;
    }
    var g = svgEl('g', { class: 'edge' + (e.back ? ' back' : '') });
    g.appendChild(svgEl('path', { d: d, 'marker-end': 'url(#arrow)' }));
    var label = e.events.join(', ');
    if (label.length > 26) label = label.slice(0, 25) + '\u2026';
    var t = svgEl('text', { x: lx, y: ly, 'text-anchor': 'middle' }, label);
    var title = svgEl('title', {}, e.events.join(', '));
    g.appendChild(title);
    g.appendChild(t);
    svg.appendChild(g);
  });
  laid.boxes.forEach(function (box) {
    var n = box.node;
    var active = n.key === activeTop;
    var g = svgEl('g', { class: 'state' + (active ? ' active' : '') + (box.kids.length ? ' compound' : ''), 'data-key': n.key, 'data-id': n.id });
    g.appendChild(svgEl('rect', { x: box.x, y: box.y, width: box.w, height: box.h, rx: 8 }));
    g.appendChild(svgEl('text', { x: box.x + box.w / 2, y: box.y + 21, 'text-anchor': 'middle', class: 'key' }, n.key));
    if (graph.initial && (n.id === graph.initial)) {
      g.appendChild(svgEl('circle', { cx: box.x - 10, cy: box.y + 17, r: 4, class: 'initial' }));
    }
    box.kids.forEach(function (kid) {
      var kg = svgEl('g', { class: 'substate' + (active && kid.node.key === activeDetail ? ' active' : ''), 'data-key': kid.node.key, 'data-id': kid.node.id });
      kg.appendChild(svgEl('rect', { x: kid.x, y: kid.y, width: kid.w, height: kid.h, rx: 5 }));
      kg.appendChild(svgEl('text', { x: kid.x + kid.w / 2, y: kid.y + 13, 'text-anchor': 'middle' }, kid.node.key));
      g.appendChild(kg);
    });
    svg.appendChild(g);
  });
  return svg;
}
`;
