/* namelink report: the persons-only switch, the marks' tooltip and the search box.
   Plain JavaScript, no library, nothing fetched: the search index is window.NAMELINK_SEARCH (search.js). */
(function () {
  "use strict";
  var root = document.body.getAttribute("data-root") || "";

  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text) node.textContent = text;
    if (cls) node.className = cls;
    return node;
  }

  /* persons only: greys out every mark that is not a person's; remembered across pages */
  var toggle = document.getElementById("persons-only");
  if (toggle) {
    var KEY = "namelink-persons-only";
    try { toggle.checked = window.localStorage.getItem(KEY) === "1"; } catch (e) { /* file:// without storage */ }
    var apply = function () {
      document.body.classList.toggle("persons-only", toggle.checked);
      try { window.localStorage.setItem(KEY, toggle.checked ? "1" : ""); } catch (e) { /* ignore */ }
    };
    toggle.addEventListener("change", apply);
    apply();
  }

  /* the tooltip: canonical name, description, Wikidata link, then how the mention was linked */
  var infoNode = document.getElementById("entity-info");
  var info = infoNode ? JSON.parse(infoNode.textContent) : {};
  var tip = el("div");
  tip.id = "tip";
  tip.setAttribute("role", "tooltip");
  tip.hidden = true;
  document.body.appendChild(tip);
  var hideTimer = null;

  Array.prototype.forEach.call(document.querySelectorAll("mark.entity[title]"), function (mark) {
    mark.setAttribute("data-title", mark.getAttribute("title"));  /* the browser's own tooltip would cover ours */
    mark.removeAttribute("title");
    mark.setAttribute("aria-describedby", "tip");
  });

  function fill(mark) {
    tip.textContent = "";
    var id = mark.getAttribute("data-e");
    var who = id ? info[id] : null;
    if (who) {
      tip.appendChild(el("div", who.canonical, "canonical"));
      if (who.description) tip.appendChild(el("p", who.description, "description"));
      var links = el("p");
      if (who.wikidata_url) {
        var wd = el("a", "Wikidata " + who.wikidata);
        wd.href = who.wikidata_url;
        wd.rel = "external noopener";
        links.appendChild(wd);
        links.appendChild(document.createTextNode(" · "));
      }
      var page = el("a", who.mentions + " mention" + (who.mentions === 1 ? "" : "s") + " in the run");
      page.href = root + who.href;
      links.appendChild(page);
      if (who.nil) links.appendChild(document.createTextNode(" · not in the knowledge base"));
      tip.appendChild(links);
    }
    var how = [mark.getAttribute("data-label")];
    ["data-score", "data-method", "data-reason"].forEach(function (name) {
      var value = mark.getAttribute(name);
      if (value) how.push(name === "data-score" ? "score " + value : value);
    });
    if (id) how.push(id);
    tip.appendChild(el("span", how.join(" · "), "how"));
  }

  function show(mark) {
    window.clearTimeout(hideTimer);
    fill(mark);
    tip.hidden = false;
    var box = mark.getBoundingClientRect();
    var left = Math.min(box.left, document.documentElement.clientWidth - tip.offsetWidth - 8);
    tip.style.left = Math.max(4, left) + window.scrollX + "px";
    tip.style.top = box.bottom + window.scrollY + 4 + "px";
  }

  function hideSoon() {
    window.clearTimeout(hideTimer);
    hideTimer = window.setTimeout(function () { tip.hidden = true; }, 400);
  }

  function markOf(target) {
    if (!target || !target.closest) return null;
    var link = target.closest("a.ent-link");
    return target.closest("mark.entity") || (link && link.querySelector("mark.entity"));
  }

  document.addEventListener("mouseover", function (event) {
    var mark = markOf(event.target);
    if (mark) show(mark);
    else if (tip.contains(event.target)) window.clearTimeout(hideTimer);
  });
  document.addEventListener("mouseout", function (event) {
    if (markOf(event.target) || tip.contains(event.target)) hideSoon();
  });
  document.addEventListener("focusin", function (event) {
    var mark = markOf(event.target);
    if (mark) show(mark);
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") tip.hidden = true;
  });

  /* search: every word of the query in a name (or its id, forms, description), accents and case ignored */
  var box = document.getElementById("search");
  var list = document.getElementById("search-results");
  if (!box || !list) return;
  function fold(text) {
    return (text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  var entries = (window.NAMELINK_SEARCH || []).map(function (entry, order) {
    return { entry: entry, name: fold(entry.n), more: fold(entry.x), order: order };
  });
  var LIMIT = 20;

  function search(query) {
    var words = fold(query).split(/\s+/).filter(Boolean);
    if (!words.length) return [];
    var whole = words.join(" ");
    var found = [];
    entries.forEach(function (e) {
      var all = e.name + " " + e.more;
      if (!words.every(function (w) { return all.indexOf(w) >= 0; })) return;
      var rank = e.name.indexOf(whole) === 0 ? 0 : words.every(function (w) { return e.name.indexOf(w) >= 0; }) ? 1 : 2;
      found.push({ e: e, rank: rank * 2 + (e.entry.k === "document" ? 1 : 0) });
    });
    found.sort(function (a, b) { return a.rank - b.rank || a.e.order - b.e.order; });
    return found.slice(0, LIMIT).map(function (f) { return f.e.entry; });
  }

  function render() {
    list.textContent = "";
    var query = box.value.trim();
    if (!query) { list.hidden = true; return; }
    var hits = search(query);
    hits.forEach(function (entry) {
      var item = el("li");
      var link = el("a", entry.n);
      link.href = root + entry.u;
      item.appendChild(link);
      item.appendChild(el("span", entry.k, "kind"));
      list.appendChild(item);
    });
    if (!hits.length) list.appendChild(el("li", "nothing found", "empty"));
    list.hidden = false;
  }

  box.addEventListener("input", render);
  box.addEventListener("keydown", function (event) {
    var first = list.querySelector("a");
    if (event.key === "Enter" && first) window.location.href = first.href;
    if (event.key === "Escape") { box.value = ""; render(); }
  });
})();
