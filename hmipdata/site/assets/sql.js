// SQL in the browser: DuckDB-WASM queries the site's own hmipdata.duckdb.
// Bundled with esbuild at site build time; everything is served by the site
// itself (no CDN). The query lives in the page URL (?q=...), so it can be
// shared; results can be downloaded as CSV. All cell text goes in through
// textContent, never innerHTML.
import * as duckdb from "@duckdb/duckdb-wasm";

const form = document.getElementById("sql-form");
const input = document.getElementById("sql-query");
const status = document.getElementById("sql-status");
const output = document.getElementById("sql-result");
const download = document.getElementById("sql-download");
const MAX_ROWS_SHOWN = 1000;
let connection = null;
let downloadUrl = null;

function siteUrl(path) {
  return new URL(path, document.baseURI).href;
}

function say(text, isError = false) {
  status.textContent = text;
  status.classList.toggle("error", isError);
}

async function connect() {
  if (connection) return connection;
  say("Loading DuckDB and the database…");
  const worker = new Worker(siteUrl(form.dataset.worker));
  const db = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), worker);
  await db.instantiate(siteUrl(form.dataset.wasm));
  const response = await fetch(siteUrl(form.dataset.database));
  if (!response.ok) throw new Error(`could not load the database (HTTP ${response.status})`);
  await db.registerFileBuffer("hmipdata.duckdb", new Uint8Array(await response.arrayBuffer()));
  const conn = await db.connect();
  await conn.query("ATTACH 'hmipdata.duckdb' AS hmipdata (READ_ONLY)");
  await conn.query("USE hmipdata");
  connection = conn;
  return conn;
}

// Every value comes back as text (or null), so BigInts, dates and decimals print as DuckDB prints them.
async function run(conn, sql) {
  const body = sql.trim().replace(/;\s*$/, "");
  try {
    return await conn.query(`SELECT COLUMNS(*)::VARCHAR FROM (${body}\n)`);
  } catch (wrapped) {
    return await conn.query(body);
  }
}

function toRows(table) {
  const names = table.schema.fields.map((f) => f.name);
  const rows = [];
  for (const row of table.toArray()) {
    const json = row.toJSON();
    rows.push(names.map((n) => (json[n] === null || json[n] === undefined ? null : String(json[n]))));
  }
  return { names, rows };
}

function render({ names, rows }) {
  const table = document.createElement("table");
  table.className = "plain";
  const caption = table.createCaption();
  caption.textContent = `Query result: ${rows.length} row${rows.length === 1 ? "" : "s"}` +
    (rows.length > MAX_ROWS_SHOWN ? ` (first ${MAX_ROWS_SHOWN} shown; the CSV has all)` : "");
  const headRow = table.createTHead().insertRow();
  for (const name of names) {
    const th = document.createElement("th");
    th.scope = "col";
    th.textContent = name;
    headRow.appendChild(th);
  }
  const body = table.createTBody();
  for (const row of rows.slice(0, MAX_ROWS_SHOWN)) {
    const tr = body.insertRow();
    for (const value of row) {
      const td = tr.insertCell();
      td.textContent = value === null ? "" : value;
      if (value === null) td.className = "null";
    }
  }
  output.replaceChildren(table);
}

function csvCell(value) {
  if (value === null) return "";
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function offerCsv({ names, rows }) {
  const lines = [names.map(csvCell).join(",")].concat(rows.map((r) => r.map(csvCell).join(",")));
  if (downloadUrl) URL.revokeObjectURL(downloadUrl);
  downloadUrl = URL.createObjectURL(new Blob([lines.join("\r\n") + "\r\n"], { type: "text/csv" }));
  download.href = downloadUrl;
  download.hidden = false;
}

async function execute(sql) {
  download.hidden = true;
  try {
    const conn = await connect();
    say("Running…");
    const result = toRows(await run(conn, sql));
    render(result);
    offerCsv(result);
    say(`${result.rows.length} row${result.rows.length === 1 ? "" : "s"}.`);
  } catch (error) {
    output.replaceChildren();
    say(`Error: ${error.message || error}`, true);
  }
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const sql = input.value;
  const url = new URL(window.location.href);
  url.searchParams.set("q", sql);
  window.history.replaceState(null, "", url);
  execute(sql);
});

for (const example of document.querySelectorAll("a[data-example]")) {
  example.addEventListener("click", (event) => {
    event.preventDefault();
    input.value = example.dataset.example;
    form.requestSubmit();
  });
}

const initial = new URLSearchParams(window.location.search).get("q");
if (initial) {
  input.value = initial;
  execute(initial);
} else {
  say("Ready: write a query and press Run.");
}
