// orchestrator console: local times, default start time, live event progress (server-sent events).
(function () {
  "use strict";
  var zone = (Intl.DateTimeFormat().resolvedOptions().timeZone) || "UTC";
  var fmt = new Intl.DateTimeFormat(undefined, {year: "numeric", month: "short", day: "2-digit",
    hour: "2-digit", minute: "2-digit", second: "2-digit", timeZoneName: "short"});

  function localTimes(root) {
    root.querySelectorAll("time[datetime]").forEach(function (t) {
      if (t.dataset.local) return;
      var d = new Date(t.getAttribute("datetime"));
      if (isNaN(d)) return;
      t.textContent = fmt.format(d);
      t.dataset.local = "1";  // the title keeps the UTC text
    });
    root.querySelectorAll("[data-tz]").forEach(function (el) { el.textContent = zone; });
    root.querySelectorAll("input[data-tz-field]").forEach(function (el) { el.value = zone; });
    root.querySelectorAll("input[data-default-start]").forEach(function (el) {
      if (el.value) return;
      var d = new Date(Date.now() + 15 * 60000);
      d.setSeconds(0, 0);
      var pad = function (n) { return String(n).padStart(2, "0"); };
      el.value = d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + "T" +
        pad(d.getHours()) + ":" + pad(d.getMinutes());
    });
  }

  function badge(state) {
    var s = document.createElement("span");
    s.className = "badge state-" + state.toLowerCase();
    s.textContent = state;
    return s;
  }

  function liveProgress() {
    var section = document.getElementById("progress");
    if (!section || !window.EventSource) return;
    var live = document.getElementById("live");
    var source = new EventSource(section.dataset.stream);
    source.addEventListener("progress", function (e) {
      var p = JSON.parse(e.data);
      Object.keys(p.rollup).forEach(function (state) {
        var cell = document.getElementById("count-" + state);
        if (cell) cell.textContent = p.rollup[state];
      });
      document.getElementById("settled").textContent = p.settled;
      document.getElementById("devices").textContent = p.devices;
      var bar = document.getElementById("progress-bar");
      bar.value = p.percent;
      bar.textContent = p.percent + " %";
      var st = document.getElementById("event-state");
      if (st.dataset.state !== p.state) {
        st.dataset.state = p.state;
        st.replaceChildren(badge(p.state));
        live.textContent = "Event is now " + p.state;
      }
      if (p.final) {
        var cancel = document.getElementById("cancel-link");
        if (cancel) cancel.remove();
      }
    });
    source.addEventListener("end", function () { source.close(); live.textContent = "final"; });
    source.onerror = function () { live.textContent = "live updates interrupted; retrying…"; };
    source.onopen = function () { if (live.textContent.indexOf("interrupted") >= 0) live.textContent = "live"; };
  }

  document.addEventListener("DOMContentLoaded", function () {
    localTimes(document);
    liveProgress();
  });
  document.addEventListener("htmx:afterSwap", function (e) {
    localTimes(document);
    var target = document.getElementById("form-errors") || document.getElementById("preview-heading");
    if (target && e.detail.requestConfig && e.detail.requestConfig.verb === "post") target.focus();
  });
})();
