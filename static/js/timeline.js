/* The map on a date: a month slider (2016 to today) and a play button over the date form.
 * Each position redraws the map with the projects as they were at the end of that month
 * (today for the last position) through CanThoMap.reload({at: ...}). Without
 * JavaScript the date form still works (it reloads the page with ?at=). */
(function () {
  "use strict";
  var box = document.querySelector("details.time-control");
  if (!box || !window.CanThoMap) return;
  var form = box.querySelector("form"), dateInput = box.querySelector("input[name=at]");
  var slider = box.querySelector(".time-slider"), play = box.querySelector(".time-play");
  var statusLine = box.querySelector(".time-status"), count = document.querySelector(".match-count");
  var today = box.getAttribute("data-today"), first = box.getAttribute("data-first-month").split("-");
  var months = [];  // the last day of each month from the first month, then today
  for (var y = +first[0], m = +first[1]; ; m++) {
    if (m > 12) { m = 1; y++; }
    var last = new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
    if (last >= today) break;
    months.push(last);
  }
  months.push(today);

  function positionOf(date) {
    for (var i = 0; i < months.length; i++) if (months[i] >= date) return i;
    return months.length - 1;
  }

  function setCount(n) {
    if (!count) return;
    var text = (n === 1 ? count.getAttribute("data-one") : count.getAttribute("data-other")).replace("__n__", String(n));
    count.querySelector(".count-text").textContent = text;
    count.setAttribute("data-count", String(n));
  }

  var pending = null, wanted = null;
  function show(date) {
    wanted = date;
    if (pending) return pending;  // one request at a time; the newest wanted date follows
    pending = window.CanThoMap.reload({ at: date })
      .then(function (data) {
        setCount(data.count);
        statusLine.textContent = box.getAttribute("data-on-date").replace("__date__", data.at_text || data.at);
        var params = new URLSearchParams(window.location.search);
        params.set("at", data.at);
        window.history.replaceState(null, "", window.location.pathname + "?" + params.toString());
      })
      .catch(function () { statusLine.textContent = box.getAttribute("data-failed"); stop(); })
      .then(function () {
        pending = null;
        if (wanted !== date) return show(wanted);
      });
    return pending;
  }

  var timer = null;
  function stop() {
    if (timer) clearTimeout(timer);
    timer = null;
    play.textContent = box.getAttribute("data-play");
    play.setAttribute("aria-pressed", "false");
  }
  function step() {
    var next = +slider.value + 1;
    if (next >= months.length) { stop(); return; }
    slider.value = String(next);
    dateInput.value = months[next];
    show(months[next]).then(function () { if (timer) timer = setTimeout(step, 350); });
  }

  slider.max = String(months.length - 1);
  slider.value = String(positionOf(dateInput.value || today));
  box.querySelector(".time-slider-row").hidden = false;
  slider.addEventListener("input", function () {
    stop();
    dateInput.value = months[+slider.value];
    show(months[+slider.value]);
  });
  play.addEventListener("click", function () {
    if (timer) { stop(); return; }
    if (+slider.value >= months.length - 1) slider.value = "0";
    play.textContent = box.getAttribute("data-pause");
    play.setAttribute("aria-pressed", "true");
    timer = setTimeout(step, 0);
  });
  form.addEventListener("submit", function (e) {
    if (!dateInput.value || !dateInput.checkValidity()) return;  // let the server explain
    e.preventDefault();
    stop();
    slider.value = String(positionOf(dateInput.value));
    show(dateInput.value);
  });
})();
