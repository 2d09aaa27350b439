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
  var layer = new Map();
  var start = graph.initial ? topOf(graph.initial) : (tops[0] && tops[0].id);
  var queue = start ? [start] : [];
  if (start) layer.set(start, 0);
  var edges = new Map();
  graph.edges.forEach(function (e) {
    var s = topOf(e.source), t = topOf(e.target);
    if (s === t) return;
    var key = s + '>' + t;
    if (!edges.has(key)) edges.set(key, { source: s, target: t, events: [] });
    var list = edges.get(key).events;
    if (list.indexOf(e.event) < 0) list.push(e.event);
  });
  while (queue.length) {
    var id = queue.shift();
    edges.forEach(function (e) {
      if (e.source === id && !layer.has(e.target)) {
        layer.set(e.target, layer.get(id) + 1);
        queue.push(e.target);
      }
    });
  }
  var maxLayer = 0;
  layer.forEach(function (l) { if (l > maxLayer) maxLayer = l; });
  tops.forEach(function (n) { if (!layer.has(n.id)) layer.set(n.id, ++maxLayer); });
  var columns = [];
  tops.forEach(function (n) {
    var l = layer.get(n.id);
    (columns[l] = columns[l] || []).push(n);
  });
  var boxes = new Map();
  var width = 0, height = 0;
  columns.forEach(function (col, l) {
    var y = 30;
    (col || []).forEach(function (n) {
      var kids = children.get(n.id) || [];
      var w = kids.length ? 150 : 116;
      var h = kids.length ? 34 + kids.length * 22 : 34;
      var box = { node: n, x: 20 + l * 190, y: y, w: w, h: h, kids: [] };
      kids.forEach(function (k, i) {
        box.kids.push({ node: k, x: box.x + 10, y: y + 28 + i * 22, w: w - 20, h: 18 });
      });
      boxes.set(n.id, box);
      y += h + 36;
      width = Math.max(width, box.x + w + 20);
      height = Math.max(height, y);
    });
  });
  var laid = { boxes: boxes, edges: Array.from(edges.values()), width: width, height: height + 40, layer: layer };
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
    var forward = laid.layer.get(e.target) > laid.layer.get(e.source);
    var d, lx, ly;
    if (forward) {
      var x1 = a.x + a.w, y1 = a.y + Math.min(a.h / 2, 17), x2 = b.x, y2 = b.y + Math.min(b.h / 2, 17);
      var mx = (x1 + x2) / 2;
      d = 'M ' + x1 + ' ' + y1 + ' C ' + mx + ' ' + y1 + ', ' + mx + ' ' + y2 + ', ' + x2 + ' ' + y2;
      lx = mx; ly = (y1 + y2) / 2 - 4;
    } else {
      var sx = a.x + a.w / 2, sy = a.y + a.h, tx = b.x + b.w / 2, ty = b.y + b.h;
      var dip = Math.max(sy, ty) + 26 + Math.abs(sx - tx) / 8;
      d = 'M ' + sx + ' ' + sy + ' C ' + sx + ' ' + dip + ', ' + tx + ' ' + dip + ', ' + tx + ' ' + ty;
      lx = (sx + tx) / 2; ly = dip - 6;
    }
    var g = svgEl('g', { class: 'edge' });
    g.appendChild(svgEl('path', { d: d, 'marker-end': 'url(#arrow)' }));
    var label = e.events.join(', ');
    if (label.length > 30) label = label.slice(0, 29) + '\u2026';
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
