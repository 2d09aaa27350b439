const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** The inspector page: its script and style come from the same server (with the token, if any). */
export function pageHtml(title: string, token: string | undefined): string {
  const q = token ? `?token=${encodeURIComponent(token)}` : '';
  const name = escapeHtml(title);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="uwe-token" content="${escapeHtml(token ?? '')}">
<title>${name} · uwe inspector</title>
<link rel="stylesheet" href="/app.css${escapeHtml(q)}">
</head>
<body>
<header>
  <h1 id="chief-link" title="show the Chief">${name}</h1>
  <span id="phase" class="badge">idle</span>
  <span id="counts" class="counts"></span>
  <span class="spacer"></span>
  <span id="conn" class="conn">connecting</span>
</header>
<main>
  <section id="listpane">
    <div class="tools"><input id="search" type="search" placeholder="search workers by name" aria-label="search workers"></div>
    <ul id="list" aria-label="workers"></ul>
  </section>
  <section id="detail" aria-live="polite"></section>
  <section id="logpane">
    <div class="tools">
      <input id="log-worker" type="search" placeholder="filter log by worker" aria-label="filter log by worker">
      <select id="log-level" aria-label="lowest level shown">
        <option value="debug">all levels</option><option value="info">info+</option>
        <option value="warn">warn+</option><option value="error">error+</option><option value="fatal">fatal</option>
      </select>
    </div>
    <ol id="log" aria-label="event log"></ol>
  </section>
</main>
<script src="/app.js${escapeHtml(q)}"></script>
</body>
</html>
`;
}
