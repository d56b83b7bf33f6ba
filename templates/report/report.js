/* docgen report: the search box (pages whose name, endpoints, types or examples hold the
   text; the matching entries marked), and links that open the folded sections they point into.
   No dependencies, nothing fetched; the report reads fine without it. */
(function () {
  "use strict";
  var OPEN_AT_MOST = 25; // pages unfolded by a search; more stay folded under their area

  function lower(element) {
    return element ? element.textContent.toLowerCase() : "";
  }

  function indexOfPages() {
    return Array.prototype.map.call(document.querySelectorAll("details.page"), function (page) {
      return {
        page: page,
        name: lower(page.querySelector(".page-name")) + " " + lower(page.querySelector(".page-title")),
        items: Array.prototype.map.call(page.querySelectorAll(".item"), function (item) {
          var keys = Array.prototype.map.call(item.querySelectorAll(".key"), lower);
          return { element: item, text: keys.join(" ") };
        })
      };
    });
  }

  function filter(index, query, count) {
    var matching = [];
    index.forEach(function (entry) {
      var byName = !query || entry.name.indexOf(query) >= 0;
      var byItem = false;
      entry.items.forEach(function (item) {
        var hit = query !== "" && item.text.indexOf(query) >= 0;
        item.element.classList.toggle("match", hit);
        byItem = byItem || hit;
      });
      entry.page.hidden = !(byName || byItem);
      if (!entry.page.hidden) matching.push(entry.page);
    });
    document.querySelectorAll("details.area").forEach(function (area) {
      var shown = area.querySelector("details.page:not([hidden])") !== null;
      area.hidden = !shown;
      if (query && shown) area.open = true;
    });
    if (query && matching.length <= OPEN_AT_MOST) {
      matching.forEach(function (page) { page.open = true; });
    }
    document.body.classList.toggle("searching", query !== "");
    count.textContent = query ? matching.length + " of " + index.length + " pages match" : "";
  }

  function revealTarget() {
    var id = decodeURIComponent(location.hash.slice(1));
    var element = id ? document.getElementById(id) : null;
    var target = element;
    for (; element; element = element.parentElement) {
      if (element.tagName === "DETAILS") element.open = true;
    }
    if (target) target.scrollIntoView();
  }

  var box = document.getElementById("search");
  var count = document.getElementById("search-count");
  var index = null;
  var timer = null;
  if (box && count) {
    box.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        index = index || indexOfPages();
        filter(index, box.value.trim().toLowerCase(), count);
      }, 120);
    });
  }
  window.addEventListener("hashchange", revealTarget);
  revealTarget();
})();
