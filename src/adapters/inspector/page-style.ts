/** The inspector page's style sheet: system fonts only, light and dark. */
export const PAGE_STYLE = String.raw`
:root { color-scheme: light dark; --bg: #fafafa; --fg: #1d2330; --muted: #6b7280; --line: #d9dde5; --panel: #fff;
  --run: #15803d; --failed: #c2410c; --stopped: #6b7280; --init: #2563eb; --new: #7c3aed; --active: #fde68a; }
@media (prefers-color-scheme: dark) { :root { --bg: #111418; --fg: #e5e7eb; --muted: #9ca3af; --line: #2d333d; --panel: #181c22; --active: #854d0e; } }
* { box-sizing: border-box; }
html, body { margin: 0; height: 100%; background: var(--bg); color: var(--fg);
  font: 13px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
header { display: flex; gap: 12px; align-items: center; padding: 8px 12px; border-bottom: 1px solid var(--line); background: var(--panel); flex-wrap: wrap; }
header h1 { font-size: 15px; margin: 0; cursor: pointer; }
header .counts { color: var(--muted); }
header .spacer { flex: 1; }
.conn { font-size: 12px; padding: 1px 6px; border-radius: 8px; border: 1px solid var(--line); }
.conn.live { color: var(--run); } .conn.down { color: var(--failed); }
main { display: grid; grid-template-columns: minmax(220px, 320px) minmax(0, 1fr) minmax(280px, 440px); height: calc(100% - 46px); }
@media (max-width: 1100px) { main { grid-template-columns: minmax(200px, 280px) minmax(0, 1fr); grid-template-rows: 1fr 40%; }
  #logpane { grid-column: 1 / span 2; } }
@media (max-width: 700px) { main { display: block; height: auto; } #listpane, #logpane { max-height: 50vh; } }
section { overflow: auto; border-right: 1px solid var(--line); min-height: 0; display: flex; flex-direction: column; }
.tools { display: flex; gap: 6px; padding: 6px; border-bottom: 1px solid var(--line); position: sticky; top: 0; background: var(--bg); }
input, select { font: inherit; color: inherit; background: var(--panel); border: 1px solid var(--line); border-radius: 4px; padding: 3px 6px; min-width: 0; flex: 1; }
ul, ol { list-style: none; margin: 0; padding: 0; }
#list { overflow: auto; flex: 1; }
.row { display: flex; gap: 6px; align-items: center; padding: 3px 6px; cursor: pointer; border-bottom: 1px solid transparent; white-space: nowrap; }
.row:hover { background: color-mix(in srgb, var(--line) 40%, transparent); }
.row.selected { background: color-mix(in srgb, var(--active) 60%, transparent); }
.row .name { flex: 1; overflow: hidden; text-overflow: ellipsis; }
.row .meta, .row .cd { color: var(--muted); font-variant-numeric: tabular-nums; }
.fold { width: 12px; display: inline-block; color: var(--muted); }
.more, .skipped, .hint { color: var(--muted); padding: 6px; }
.badge { display: inline-block; min-width: 64px; text-align: center; border-radius: 9px; padding: 0 6px; font-size: 11px; color: #fff; background: var(--stopped); }
.st-Run { --c: var(--run); } .st-Failed { --c: var(--failed); } .st-Stopped { --c: var(--stopped); } .st-Initialized { --c: var(--init); } .st-New { --c: var(--new); }
.badge[class*="st-"] { background: var(--c); }
.ph-running { background: var(--run); } .ph-starting, .ph-idle { background: var(--init); } .ph-stopping, .ph-stopped { background: var(--stopped); }
.st-text { color: var(--c); font-weight: 600; }
#detail { padding: 10px 14px; overflow: auto; }
#detail h2 { margin: 0 0 6px; font-size: 16px; }
#detail h3 { margin: 14px 0 4px; font-size: 13px; }
dl.info { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 0 0 8px; }
dl.info dt { color: var(--muted); } dl.info dd { margin: 0; }
.reason { color: var(--failed); }
.chartbox { overflow: auto; border: 1px solid var(--line); border-radius: 6px; background: var(--panel); margin: 6px 0; }
svg.chart { display: block; width: 100%; height: auto; max-height: 520px; }
svg .state rect { fill: var(--bg); stroke: var(--muted); stroke-width: 1.2; }
svg .state.compound > rect { fill: var(--panel); }
svg .state.active > rect { fill: var(--active); stroke: var(--fg); stroke-width: 2.5; }
svg .substate rect { fill: var(--bg); stroke: var(--line); }
svg .substate.active rect { fill: var(--active); stroke: var(--fg); stroke-width: 2; }
svg text { fill: var(--fg); font-size: 11px; }
svg .state text.key { font-weight: 600; font-size: 12px; }
svg .edge path { fill: none; stroke: var(--muted); stroke-width: 1; }
svg .edge text { fill: var(--muted); font-size: 9.5px; }
svg .arrowhead { fill: var(--muted); }
svg .initial { fill: var(--fg); }
.history li { padding: 1px 0; font-variant-numeric: tabular-nums; color: var(--c, var(--fg)); }
#log { overflow: auto; flex: 1; font: 12px/1.35 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
#log li { padding: 1px 6px; border-bottom: 1px solid color-mix(in srgb, var(--line) 50%, transparent); }
#log .time { color: var(--muted); margin-right: 6px; } #log .lvl { display: inline-block; width: 40px; }
#log .who { color: var(--init); cursor: pointer; margin-right: 6px; }
#log .lv-warn .lvl { color: #b45309; } #log .lv-error .lvl, #log .lv-fatal .lvl { color: var(--failed); font-weight: 600; }
`;
