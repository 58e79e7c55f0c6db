// SQL in the browser: DuckDB-WASM queries the site's own hmipdata.duckdb.
// Bundled with esbuild at site build time; everything is served by the site
// itself (no CDN), and DuckDB's extension autoloading is turned off so that no
// query ever makes the browser contact another host. The query lives in the
// page URL (?q=...; each run is a history entry, so Back works); results can
// be downloaded as CSV. All cell text goes in through textContent, never
// innerHTML.
import * as duckdb from "@duckdb/duckdb-wasm";

const form = document.getElementById("sql-form");
const input = document.getElementById("sql-query");
const status = document.getElementById("sql-status");
const errorBlock = document.getElementById("sql-error");
const output = document.getElementById("sql-result");
const download = document.getElementById("sql-download");
const loading = document.getElementById("sql-loading");
const progress = document.getElementById("sql-progress");
const MAX_ROWS_SHOWN = 1000;
const MAX_STATEMENTS = 10;
const NUMERIC = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL)/;
const OFFLINE_SETTINGS = [
  "SET autoinstall_known_extensions = false",
  "SET autoload_known_extensions = false",
  "SET enable_external_access = false",
  "SET lock_configuration = true",
];
let connecting = null;
let downloadUrl = null;

function siteUrl(path) {
  return new URL(path, document.baseURI).href;
}

function say(text) {
  status.textContent = text;
}

function megabytes(bytes) {
  return `${(bytes / 1048576).toFixed(1)} MB`;
}

const loaded = { engine: 0, database: 0 };
function showProgress() {
  const total = Number(progress.max);
  const done = loaded.engine + loaded.database;
  progress.value = Math.min(done, total);
  progress.setAttribute("aria-valuetext", `${megabytes(done)} of ${megabytes(total)}`);
  say(`Downloading DuckDB and the database: ${megabytes(done)} of ${megabytes(total)}…`);
}

// The database, read in chunks so that the progress bar moves.
async function fetchDatabase() {
  const response = await fetch(siteUrl(form.dataset.database));
  if (!response.ok || !response.body) throw new Error(`could not load the database (HTTP ${response.status})`);
  const reader = response.body.getReader();
  const chunks = [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded.database += value.length;
    showProgress();
  }
  const bytes = new Uint8Array(loaded.database);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return bytes;
}

async function open() {
  loading.hidden = false;
  showProgress();
  const worker = new Worker(siteUrl(form.dataset.worker));
  const db = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), worker);
  const database = fetchDatabase();
  await db.instantiate(siteUrl(form.dataset.wasm), null, (p) => {
    loaded.engine = Math.max(loaded.engine, p.bytesLoaded || 0);
    showProgress();
  });
  await db.registerFileBuffer("hmipdata.duckdb", await database);
  const conn = await db.connect();
  await conn.query("ATTACH 'hmipdata.duckdb' AS hmipdata (READ_ONLY)");
  await conn.query("USE hmipdata");
  for (const setting of OFFLINE_SETTINGS) await conn.query(setting);
  loading.hidden = true;
  return conn;
}

function connect() {
  if (!connecting) {
    connecting = open().catch((error) => {
      connecting = null;
      loading.hidden = true;
      throw error;
    });
  }
  return connecting;
}

// Split on semicolons outside quotes and comments: each statement's text and where it starts.
export function splitStatements(text) {
  const out = [];
  let start = 0;
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === "'" || c === '"') {
      const end = text.indexOf(c, i + 1);
      i = end < 0 ? text.length : end + 1;
    } else if (c === "-" && text[i + 1] === "-") {
      const end = text.indexOf("\n", i);
      i = end < 0 ? text.length : end + 1;
    } else if (c === "/" && text[i + 1] === "*") {
      const end = text.indexOf("*/", i + 2);
      i = end < 0 ? text.length : end + 2;
    } else if (c === ";") {
      out.push({ text: text.slice(start, i), start });
      start = i + 1;
      i += 1;
    } else {
      i += 1;
    }
  }
  out.push({ text: text.slice(start), start });
  return out.filter((s) => s.text.replace(/--[^\n]*|\/\*[\s\S]*?\*\//g, "").trim() !== "");
}

// A statement's column types (from DESCRIBE), or null if it returns no described result.
async function describe(conn, sql) {
  try {
    const table = await conn.query(`DESCRIBE ${sql}`);
    return table.toArray().map((row) => String(row.toJSON().column_type));
  } catch (error) {
    return null;
  }
}

// Every value comes back as text (or null), so BigInts, dates and decimals print as DuckDB prints them.
async function run(conn, sql) {
  const types = await describe(conn, sql);
  const table = types
    ? await conn.query(`SELECT COLUMNS(*)::VARCHAR FROM (${sql}\n)`)
    : await conn.query(sql); // not a query DESCRIBE knows: run it as written, so errors point into its own text
  const names = table.schema.fields.map((f) => f.name);
  const rows = [];
  for (const row of table.toArray()) {
    const json = row.toJSON();
    rows.push(names.map((n) => (json[n] === null || json[n] === undefined ? null : String(json[n]))));
  }
  const numeric = names.map((_, i) => Boolean(types && NUMERIC.test(types[i] || "")));
  return { names, rows, numeric };
}

function render({ names, rows, numeric }, label) {
  const region = document.createElement("div");
  region.className = "table-scroll";
  region.setAttribute("role", "region");
  region.setAttribute("aria-label", label);
  region.tabIndex = 0;
  const table = document.createElement("table");
  table.className = "plain";
  const caption = table.createCaption();
  caption.textContent = `${label}: ${rows.length} row${rows.length === 1 ? "" : "s"}` +
    (rows.length > MAX_ROWS_SHOWN ? ` (first ${MAX_ROWS_SHOWN} shown; the CSV has all)` : "");
  const headRow = table.createTHead().insertRow();
  names.forEach((name, i) => {
    const th = document.createElement("th");
    th.scope = "col";
    th.textContent = name;
    if (numeric[i]) th.className = "num";
    headRow.appendChild(th);
  });
  const body = table.createTBody();
  for (const row of rows.slice(0, MAX_ROWS_SHOWN)) {
    const tr = body.insertRow();
    row.forEach((value, i) => {
      const td = tr.insertCell();
      td.textContent = value === null ? "" : value;
      const classes = [numeric[i] ? "num" : "", value === null ? "null" : ""].filter(Boolean);
      if (classes.length) td.className = classes.join(" ");
    });
  }
  region.appendChild(table);
  return region;
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

const OFFLINE = "This page runs offline: DuckDB extensions (such as json and parquet) are not loaded here and " +
  "are never downloaded, so their functions are unavailable. Download the database file and use DuckDB on your " +
  "computer for those.";

// DuckDB-WASM repeats the caret block; extension errors suggest installing, which this page never does.
export function explain(message, statement) {
  const blocks = message.split(/\n\s*\n/).filter((b, i, all) => b.trim() !== "" && b !== all[i - 1]);
  if (/exists in the \w+ extension/i.test(message) || /^\s*(install|load|force\s+install)\b/i.test(statement)) {
    return `${blocks[0]}\n\n${OFFLINE}`;
  }
  return blocks.join("\n\n");
}

// Put the text cursor where DuckDB's caret points, so the mistake is found in the query itself.
function placeCaret(message, statement, offset) {
  const match = /LINE (\d+): (.*)\n( *)\^/.exec(message);
  if (!match) return;
  const lines = statement.trim().split("\n");
  const line = lines[Number(match[1]) - 1];
  if (line === undefined) return;
  const shown = match[2].replace(/^\.\.\./, "");
  const column = match[3].length - `LINE ${match[1]}: `.length - (match[2].length - shown.length);
  const at = line.indexOf(shown.replace(/\.\.\.$/, ""));
  if (at < 0 || column < 0) return;
  const before = lines.slice(0, Number(match[1]) - 1).reduce((n, l) => n + l.length + 1, 0);
  const position = offset + before + at + column;
  input.setSelectionRange(position, position);
}

// The message wraps to the screen; the quoted line and its caret keep their columns (they scroll instead).
function showError(where, error, statement = "") {
  const text = `${where}\n\n${explain(String(error.message || error), statement)}`;
  const lines = text.split("\n");
  const parts = [];
  let prose = [];
  const flush = () => {
    if (prose.length) {
      const p = document.createElement("p");
      p.className = "sql-message";
      p.textContent = prose.join("\n").trim();
      if (p.textContent) parts.push(p);
      prose = [];
    }
  };
  for (let i = 0; i < lines.length; i += 1) {
    if (/^LINE \d+:/.test(lines[i]) && /^\s*\^\s*$/.test(lines[i + 1] || "")) {
      flush();
      const pre = document.createElement("pre");
      pre.className = "sql-caret";
      pre.tabIndex = 0;
      pre.setAttribute("aria-label", "Where the error is");
      pre.textContent = `${lines[i]}\n${lines[i + 1]}`;
      parts.push(pre);
      i += 1;
    } else {
      prose.push(lines[i]);
    }
  }
  flush();
  errorBlock.replaceChildren(...parts);
  errorBlock.hidden = false;
}

// Runs every statement; #sql-result gets data-done when the run has finished (for scripts and tests).
async function execute(sql) {
  delete output.dataset.done;
  try {
    await executeAll(sql);
  } finally {
    output.dataset.done = "true";
  }
}

async function executeAll(sql) {
  download.hidden = true;
  errorBlock.hidden = true;
  output.replaceChildren();
  const statements = splitStatements(sql);
  if (statements.length === 0) {
    say("Nothing to run: the query is empty.");
    return;
  }
  if (statements.length > MAX_STATEMENTS) {
    say(`Refused: ${statements.length} statements; run at most ${MAX_STATEMENTS} at a time.`);
    return;
  }
  let conn;
  try {
    conn = await connect();
  } catch (error) {
    say("DuckDB could not start.");
    showError("DuckDB could not start.", error);
    return;
  }
  say("Running…");
  const results = [];
  for (const [i, { text: statement, start }] of statements.entries()) {
    const label = statements.length === 1 ? "Query result" : `Result of statement ${i + 1} of ${statements.length}`;
    try {
      if (/^\s*(force\s+)?(install|load)\b/i.test(statement)) throw new Error("Extensions cannot be installed or loaded.");
      const result = await run(conn, statement.trim());
      output.appendChild(render(result, label));
      results.push(result);
    } catch (error) {
      const where = statements.length === 1 ? "Error:" : `Error in statement ${i + 1} of ${statements.length}:`;
      showError(where, error, statement);
      placeCaret(String(error.message || error), statement, start + (statement.length - statement.trimStart().length));
      say(`${where.replace(/:$/, "")}; see the message below.`);
      if (results.length) offerCsv(results[results.length - 1]);
      return;
    }
  }
  const last = results[results.length - 1];
  offerCsv(last);
  say(statements.length === 1
    ? `${last.rows.length} row${last.rows.length === 1 ? "" : "s"}.`
    : `${statements.length} statements run; the CSV download holds the last result.`);
}

function queryInUrl() {
  return new URLSearchParams(window.location.search).get("q");
}

function submit() {
  const sql = input.value;
  if (queryInUrl() !== sql) {
    const url = new URL(window.location.href);
    url.searchParams.set("q", sql);
    window.history.pushState({ q: sql }, "", url);
  }
  execute(sql);
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  submit();
});

input.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    submit();
  }
});

for (const example of document.querySelectorAll("a[data-example]")) {
  example.addEventListener("click", (event) => {
    event.preventDefault();
    input.value = example.dataset.example;
    submit();
    input.focus();
  });
}

for (const button of document.querySelectorAll("button[data-insert]")) {
  button.addEventListener("click", () => {
    const text = button.dataset.insert;
    const start = input.selectionStart ?? input.value.length;
    const end = input.selectionEnd ?? start;
    input.setRangeText(text, start, end, "end");
    input.focus();
  });
}

window.addEventListener("popstate", () => {
  const q = queryInUrl();
  if (q) {
    input.value = q;
    execute(q);
  } else {
    output.replaceChildren();
    errorBlock.hidden = true;
    download.hidden = true;
    say("Ready: write a query and press Run.");
  }
});

const initial = queryInUrl();
if (initial) {
  input.value = initial;
  execute(initial);
} else {
  say("Ready: write a query and press Run (or Ctrl+Enter).");
}
