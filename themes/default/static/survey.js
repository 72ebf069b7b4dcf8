// The self-assessment form of survey.html. Adds up each part and the whole as answers are
// chosen, shows the advice of the band a complete part falls in, offers the answers as a CSV
// file and a print view, and keeps them in this browser's localStorage only while
// "Remember my answers on this device" is ticked.
//
// It makes no request of any kind (no fetch, XMLHttpRequest, beacon, image or font): the
// answers never leave the browser. No inline script or style is needed, so the page works
// under a strict Content-Security-Policy. Without this file the form still works on paper.
(function () {
  "use strict";

  var form = document.querySelector("form[data-survey]");
  if (!form) return;
  var name = form.getAttribute("data-survey");
  var actions = document.querySelector('[data-survey-actions="' + name + '"]');
  var storageKey = "hub-survey:" + location.pathname + ":" + name;

  function each(list, fn) {
    return Array.prototype.map.call(list, fn);
  }

  function readBands(section) {
    return each(section.querySelectorAll("tr[data-min]"), function (row) {
      var advice = row.querySelector(".survey-band-advice");
      return {
        row: row,
        min: Number(row.getAttribute("data-min")),
        max: Number(row.getAttribute("data-max")),
        label: row.querySelector(".survey-band-label").textContent.trim(),
        advice: advice ? advice.textContent.trim() : ""
      };
    });
  }

  function readResult(section) {
    var output = section.querySelector("output.survey-result");
    return {
      section: section,
      max: Number(section.getAttribute("data-max")),
      score: output.querySelector("[data-score]"),
      status: output.querySelector("[data-status]"),
      bands: readBands(section)
    };
  }

  var parts = each(form.querySelectorAll("[data-survey-part]"), function (section) {
    var part = readResult(section);
    part.title = section.getAttribute("data-survey-part");
    part.statements = each(section.querySelectorAll("fieldset[data-statement]"), function (fieldset) {
      return {
        name: fieldset.getAttribute("data-statement"),
        text: fieldset.querySelector(".survey-statement-text").textContent.trim()
      };
    });
    return part;
  });
  var overall = readResult(form.querySelector("[data-survey-overall]"));
  overall.title = overall.section.getAttribute("data-survey-overall");

  // The chosen radio button of a statement, or null.
  function chosen(statementName) {
    return form.querySelector('input[type="radio"][name="' + statementName + '"]:checked');
  }

  function bandFor(bands, total) {
    for (var i = 0; i < bands.length; i++) {
      if (total >= bands[i].min && total <= bands[i].max) return bands[i];
    }
    return null;
  }

  // Writes `text` only when it changed: each output is a live region, and a screen reader
  // should hear the part that changed, not every part again.
  function setText(element, text) {
    if (element.textContent !== text) element.textContent = text;
  }

  function show(result, total, answered, count) {
    setText(result.score, answered ? String(total) : "");
    var band = answered === count ? bandFor(result.bands, total) : null;
    result.bands.forEach(function (b) {
      if (b === band) {
        b.row.classList.add("survey-band-current");
        b.row.setAttribute("aria-current", "true");
      } else {
        b.row.classList.remove("survey-band-current");
        b.row.removeAttribute("aria-current");
      }
    });
    var status;
    if (answered === 0) {
      status = "No statements answered yet.";
    } else if (answered < count) {
      status = answered + " of " + count + " statements answered.";
    } else if (band) {
      status = band.label + (band.advice ? ": " + band.advice : ".");
    } else {
      status = "All " + count + " statements answered.";
    }
    setText(result.status, status);
    return band;
  }

  function csvField(value) {
    return '"' + String(value).replace(/"/g, '""') + '"';
  }

  var csvLink = actions && actions.querySelector("[data-survey-csv]");
  var csvUrl = null;

  function updateCsv(rows) {
    if (!csvLink) return;
    var text = "\ufeff" + rows.map(function (row) {
      return row.map(csvField).join(",");
    }).join("\r\n") + "\r\n";
    var blob = new Blob([text], { type: "text/csv;charset=utf-8" });
    if (csvUrl) URL.revokeObjectURL(csvUrl);
    csvUrl = URL.createObjectURL(blob);
    csvLink.href = csvUrl;
  }

  function answers() {
    var saved = {};
    parts.forEach(function (part) {
      part.statements.forEach(function (statement) {
        var input = chosen(statement.name);
        if (input) saved[statement.name] = input.value;
      });
    });
    return saved;
  }

  var remember = actions && actions.querySelector("[data-survey-remember]");

  function store() {
    if (!remember || !remember.checked) return;
    try {
      localStorage.setItem(storageKey, JSON.stringify({ answers: answers() }));
    } catch (e) {
      // Storage is off or full: the form still works, it just cannot remember.
    }
  }

  function forget() {
    try {
      localStorage.removeItem(storageKey);
    } catch (e) {
      // Nothing was stored.
    }
  }

  function update() {
    var rows = [["part", "statement", "score", "label"]];
    var totalRows = [];
    var grandTotal = 0;
    var grandAnswered = 0;
    var grandCount = 0;
    parts.forEach(function (part) {
      var total = 0;
      var answered = 0;
      part.statements.forEach(function (statement) {
        var input = chosen(statement.name);
        if (input) {
          total += Number(input.value);
          answered += 1;
        }
        rows.push([
          part.title,
          statement.text,
          input ? input.value : "",
          input ? input.getAttribute("data-label") : ""
        ]);
      });
      var band = show(part, total, answered, part.statements.length);
      totalRows.push([part.title, "Total", answered ? String(total) : "", band ? band.label : ""]);
      grandTotal += total;
      grandAnswered += answered;
      grandCount += part.statements.length;
    });
    var overallBand = show(overall, grandTotal, grandAnswered, grandCount);
    totalRows.push([
      overall.title,
      "Total",
      grandAnswered ? String(grandTotal) : "",
      overallBand ? overallBand.label : ""
    ]);
    updateCsv(rows.concat(totalRows));
    store();
  }

  function restore() {
    var saved = null;
    try {
      saved = JSON.parse(localStorage.getItem(storageKey) || "null");
    } catch (e) {
      saved = null;
    }
    if (!saved || typeof saved.answers !== "object" || saved.answers === null) return;
    if (remember) remember.checked = true;
    Object.keys(saved.answers).forEach(function (statementName) {
      each(form.querySelectorAll('input[type="radio"]'), function (input) {
        if (input.name === statementName && input.value === String(saved.answers[statementName])) {
          input.checked = true;
        }
      });
    });
  }

  form.addEventListener("change", update);
  if (actions) {
    actions.querySelector("[data-survey-print]").addEventListener("click", function () {
      window.print();
    });
    actions.querySelector("[data-survey-clear]").addEventListener("click", function () {
      form.reset();
      update();
    });
    if (remember) {
      remember.addEventListener("change", function () {
        if (remember.checked) store();
        else forget();
      });
    }
    actions.hidden = false;
  }
  restore();
  update();
})();
