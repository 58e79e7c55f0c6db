// Progressive enhancement for every page. Without JavaScript every table is
// complete and readable, rows keep their permalink ids, and citations say
// "the date you accessed it"; with it, tables sort and filter, their header
// and first column stay in view, each row offers a link to itself, the search
// page searches, and citations show today's date. Text goes in through
// textContent only.

const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
  "October", "November", "December"];

function today() {
  const d = new Date();
  return `${d.getDate()} ${MONTHS[d.getMonth()]} ${d.getFullYear()}`;
}

for (const span of document.querySelectorAll("[data-today]")) span.textContent = today();

// A cell's text without its anomaly marks (A02 beside 23 is a note, not part of the figure).
function cellText(cell) {
  if (!cell) return "";
  if (!cell.querySelector(".anomaly-mark")) return cell.textContent;
  const copy = cell.cloneNode(true);
  for (const mark of copy.querySelectorAll(".anomaly-mark")) mark.remove();
  return copy.textContent;
}

// A cell's value for sorting: a number when the cell is a figure, else its text.
function sortKey(cell) {
  const text = cellText(cell).trim();
  const number = text.replace(/[\u2212]/g, "-").replace(/[,%\s\u2007\u2008]|pp$/g, "");
  if (number !== "" && !Number.isNaN(Number(number))) return { number: Number(number), text };
  return { number: null, text: text.toLowerCase() };
}

function compare(a, b) {
  if (a.text === "" || b.text === "") return (a.text === "") - (b.text === ""); // blanks last
  if (a.number !== null && b.number !== null) return a.number - b.number;
  return a.text.localeCompare(b.text, "en-GB", { numeric: true });
}

let tools = 0;

function enhance(wrap) {
  const table = wrap.querySelector("table");
  const body = table && table.tBodies[0];
  if (!body) return;
  wrap.classList.add("enhanced");
  const rows = [...body.rows];
  const label = table.caption ? table.caption.textContent : "table";
  tools += 1;

  // Filter.
  const box = document.createElement("div");
  box.className = "table-tools";
  const field = document.createElement("div");
  const input = document.createElement("input");
  input.type = "search";
  input.id = `filter-${tools}`;
  input.autocomplete = "off";
  const name = document.createElement("label");
  name.htmlFor = input.id;
  name.textContent = "Filter rows (every word must match)";
  field.append(name, input);
  const count = document.createElement("p");
  count.setAttribute("role", "status");
  count.className = "size";
  box.append(field, count);
  wrap.before(box);
  const filter = () => {
    const words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    let shown = 0;
    for (const row of rows) {
      const text = row.textContent.toLowerCase();
      const keep = words.every((w) => text.includes(w));
      row.hidden = !keep;
      shown += keep;
    }
    count.textContent = words.length ? `${shown} of ${rows.length} rows match.` : "";
  };
  input.addEventListener("input", filter);

  // Sort: a button in each column heading of the last heading row.
  const headings = [...table.tHead.rows[table.tHead.rows.length - 1].cells];
  headings.forEach((th, column) => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "sort";
    button.append(...th.childNodes);
    const hint = document.createElement("span");
    hint.className = "visually-hidden";
    hint.textContent = " (sort)";
    button.append(hint);
    th.replaceChildren(button);
    button.addEventListener("click", () => {
      const ascending = th.getAttribute("aria-sort") !== "ascending";
      for (const other of headings) other.removeAttribute("aria-sort");
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      const keyed = [...body.rows].map((row, i) => ({ row, i, key: sortKey(row.cells[column]) }));
      keyed.sort((a, b) => (ascending ? compare(a.key, b.key) : compare(b.key, a.key)) || a.i - b.i);
      body.append(...keyed.map((k) => k.row));
    });
  });

  // A link to each row (its id is in the page already, so the link works without JavaScript too).
  for (const row of rows) {
    if (!row.id || !row.cells[0]) continue;
    const link = document.createElement("a");
    link.className = "row-link";
    link.href = `#${row.id}`;
    link.setAttribute("aria-label", `Link to this row of ${label}`);
    row.cells[0].prepend(link);
  }
  const target = location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1)));
  if (target && body.contains(target)) target.scrollIntoView({ block: "center" });
}

for (const wrap of document.querySelectorAll("[data-enhance=table]")) enhance(wrap);

// Search: a static index built with the site, fetched from the site itself.
const searchForm = document.getElementById("search-form");
if (searchForm) {
  const input = document.getElementById("search-q");
  const out = document.getElementById("search-results");
  const note = document.getElementById("search-status");
  let index = null;
  const load = async () => {
    if (!index) {
      const response = await fetch(new URL(searchForm.dataset.index, document.baseURI));
      index = await response.json();
      for (const entry of index) entry.haystack = `${entry.title} ${entry.text}`.toLowerCase();
    }
    return index;
  };
  const stem = (word) => word.replace(/(ies|es|s)$/, "");
  const search = async (query) => {
    const words = query.toLowerCase().split(/\s+/).filter(Boolean).map(stem);
    out.replaceChildren();
    if (!words.length) {
      note.textContent = "";
      return;
    }
    const entries = await load();
    const found = entries
      .filter((e) => words.every((w) => e.haystack.includes(w)))
      .map((e) => ({ e, score: words.filter((w) => e.text.toLowerCase().includes(w)).length * 10 + e.weight }))
      .sort((a, b) => b.score - a.score);
    note.textContent = `${found.length} result${found.length === 1 ? "" : "s"} for “${query}”` +
      (found.length > 50 ? " (first 50 shown)." : ".");
    for (const { e } of found.slice(0, 50)) {
      const li = document.createElement("li");
      const a = document.createElement("a");
      a.href = e.url;
      a.textContent = e.title;
      const kind = document.createElement("span");
      kind.className = "size";
      kind.textContent = ` (${e.kind})`;
      const text = document.createElement("p");
      text.textContent = e.text.length > 240 ? `${e.text.slice(0, 240)}…` : e.text;
      li.append(a, kind, text);
      out.append(li);
    }
  };
  searchForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const url = new URL(location.href);
    url.searchParams.set("q", input.value);
    history.pushState(null, "", url);
    search(input.value);
  });
  const initial = new URLSearchParams(location.search).get("q");
  if (initial) {
    input.value = initial;
    search(initial);
  }
  window.addEventListener("popstate", () => {
    const q = new URLSearchParams(location.search).get("q") || "";
    input.value = q;
    search(q);
  });
}

// Charts: a PNG of the chart, drawn from its SVG in the page (the SVG and CSV links work without JavaScript).
for (const list of document.querySelectorAll(".chart-downloads[data-chart]")) {
  const svg = document.getElementById(list.dataset.chart);
  if (!svg) continue;
  const item = document.createElement("li");
  const button = document.createElement("button");
  button.type = "button";
  button.className = "link-button";
  button.textContent = "PNG";
  const hidden = document.createElement("span");
  hidden.className = "visually-hidden";
  hidden.textContent = " of the chart";
  button.append(hidden);
  item.append(button);
  list.append(item);
  button.addEventListener("click", () => {
    const width = Number(svg.getAttribute("width"));
    const height = Number(svg.getAttribute("height"));
    const source = new XMLSerializer().serializeToString(svg);
    const image = new Image();
    image.onload = () => {
      const canvas = document.createElement("canvas");
      canvas.width = width * 2;
      canvas.height = height * 2;
      const context = canvas.getContext("2d");
      context.scale(2, 2);
      context.drawImage(image, 0, 0, width, height);
      canvas.toBlob((blob) => {
        const link = document.createElement("a");
        link.href = URL.createObjectURL(blob);
        link.download = `${list.dataset.chart.replace(/^chart-/, "")}.png`;
        link.click();
        setTimeout(() => URL.revokeObjectURL(link.href), 1000);
      }, "image/png");
    };
    image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(source)}`;
  });
}
