/* The Cần Thơ key-projects map: draws the projects, legend, popups and the reset control.
 * Data arrives as JSON (Jinja tojson); every value reaches the page through textContent
 * or setAttribute, never innerHTML. Sets window.mapReady when drawn. */
(function () {
  "use strict";

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") node.textContent = attrs[k];
      else if (k === "style") Object.assign(node.style, attrs[k]);
      else node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) node.appendChild(c); });
    return node;
  }

  function byCode(list) {
    var out = {};
    list.forEach(function (item) { out[item.code] = item; });
    return out;
  }

  function popupContent(props, id, opt) {
    var L_ = opt.labels, st = opt.statusBy[props.status] || {}, lang = opt.lang;
    var name = lang === "vi" ? props.name_vi : (props.name_en || props.name_vi);
    var root = el("div", { "class": "cantho-popup", "data-project-id": id });
    root.appendChild(el("h3", { "class": "cantho-popup-title", text: name }));
    var badge = el("span", { "class": "status-badge", text: st.label || props.status,
      style: { background: st.colour || "#999", color: st.ink || "#fff" } });
    root.appendChild(el("p", {}, [badge]));
    var progress = props.progress;
    var bar = el("div", { "class": "progress-bar", role: "progressbar", "aria-valuemin": "0", "aria-valuemax": "100",
      "aria-label": L_.progress });
    if (progress === null || progress === undefined) {
      bar.appendChild(el("span", { "class": "progress-unknown", text: L_.progress + ": " + L_.unknown }));
    } else {
      bar.setAttribute("aria-valuenow", String(progress));
      bar.appendChild(el("span", { "class": "progress-fill", style: { width: progress + "%", background: st.colour || "#999" } }));
      bar.appendChild(el("span", { "class": "progress-text", text: L_.progress + ": " + progress + "%" }));
    }
    root.appendChild(bar);
    var dl = el("dl", { "class": "cantho-popup-facts" });
    function row(label, value) {
      if (value === null || value === undefined || value === "") return;
      dl.appendChild(el("dt", { text: label }));
      dl.appendChild(el("dd", { text: String(value) }));
    }
    row(L_.lead_agency, opt.legend.agencies[props.lead_agency] || props.lead_agency);
    row(L_.planned, [props.planned_start, props.planned_end].filter(Boolean).join(" – "));
    row(L_.actual, [props.actual_start, props.actual_end].filter(Boolean).join(" – "));
    root.appendChild(dl);
    root.appendChild(el("a", { href: opt.projectUrl.replace("__id__", encodeURIComponent(id)), "class": "cantho-popup-link",
      text: L_.details }));
    return root;
  }

  // One icon per status and sector, shared by every marker that has them (a map of thousands of
  // pins builds a handful of icons). Built as DOM then serialised, so codes reach the markup escaped.
  function pointIcon(props, opt) {
    var st = opt.statusBy[props.status], sec = opt.sectorBy[props.sector];
    var key = (st ? st.code : "") + "|" + (sec ? sec.code : "");
    var icon = opt.icons[key];
    if (!icon) {
      var pin = el("span", { "class": "cantho-pin" + (st ? " status-" + st.code : ""),
        style: { background: (st || {}).colour || "#999", color: (st || {}).ink || "#fff" } },
        [el("i", { "class": "fa-solid " + ((sec || {}).icon || "fa-circle"), "aria-hidden": "true" })]);
      icon = opt.icons[key] = L.divIcon({ html: pin.outerHTML, className: "cantho-pin-wrap", iconSize: [26, 26],
        iconAnchor: [13, 13], popupAnchor: [0, -12] });
    }
    return icon;
  }

  function lineStyle(props, opt) {
    var st = opt.statusBy[props.status] || {}, sec = opt.sectorBy[props.sector] || {};
    return { color: st.colour || "#999", weight: sec.weight || 3, dashArray: sec.dash || null, opacity: 0.95,
      fillColor: st.colour || "#999", fillOpacity: 0.35, className: "cantho-line status-" + props.status };
  }

  function addLegend(map, opt) {
    var legend = L.control({ position: "bottomright" });
    legend.onAdd = function () {
      var box = el("details", { "class": "cantho-legend" });
      if (!window.matchMedia("(max-width: 700px)").matches) box.open = true;
      box.appendChild(el("summary", { text: opt.labels.legend }));
      box.appendChild(el("h4", { text: opt.labels.status }));
      var ul = el("ul", { "class": "legend-statuses" });
      opt.legend.statuses.forEach(function (s) {
        var count = opt.counts[s.code] || 0;
        ul.appendChild(el("li", { "data-status": s.code }, [
          el("span", { "class": "swatch", style: { background: s.colour } }),
          el("span", { "class": "legend-label", text: s.label }),
          el("span", { "class": "legend-count", text: String(count) })]));
      });
      box.appendChild(ul);
      box.appendChild(el("h4", { text: opt.labels.sector }));
      var ul2 = el("ul", { "class": "legend-sectors" });
      opt.legend.sectors.forEach(function (s) {
        ul2.appendChild(el("li", {}, [el("i", { "class": "fa-solid " + s.icon, "aria-hidden": "true" }),
          el("span", { text: " " + s.label })]));
      });
      box.appendChild(ul2);
      box.appendChild(el("p", { "class": "legend-note", text: opt.labels.indicative_note }));
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      return box;
    };
    legend.addTo(map);
  }

  function addResetControl(map, bounds, label) {
    var ctl = L.control({ position: "topleft" });
    ctl.onAdd = function () {
      var bar = el("div", { "class": "leaflet-bar" });
      var a = el("a", { href: "#", role: "button", title: label, "aria-label": label, "class": "cantho-reset" },
        [el("i", { "class": "fa-solid fa-house", "aria-hidden": "true" })]);
      L.DomEvent.on(a, "click", function (e) { L.DomEvent.preventDefault(e); map.fitBounds(bounds); });
      bar.appendChild(a);
      return bar;
    };
    ctl.addTo(map);
  }

  function popupOptions(map) {
    // Keep the popup clear of the controls (zoom/full screen/reset on the left, layers on the right).
    var width = Math.min(map.getSize().x || window.innerWidth, window.innerWidth);
    var narrow = width < 500;
    return { maxWidth: narrow ? Math.max(180, width - 175) : 320, minWidth: narrow ? 160 : 50,
      autoPanPaddingTopLeft: L.point(narrow ? 52 : 60, 10), autoPanPaddingBottomRight: L.point(narrow ? 52 : 60, 20) };
  }

  function countsOf(features) {
    var counts = {};
    features.forEach(function (f) { counts[f.properties.status] = (counts[f.properties.status] || 0) + 1; });
    return counts;
  }

  function layerFor(f, opt, popupOpts) {
    var props = f.properties, layer;
    if (f.geometry.type === "Point") {
      var c = f.geometry.coordinates;
      layer = L.marker([c[1], c[0]], { icon: pointIcon(props, opt), title: opt.lang === "vi" ? props.name_vi : props.name_en,
        alt: props.name_vi, keyboard: true });
    } else {
      // The single vector layer (Polyline/Polygon, multi-part included), not a group:
      // clusters add non-point layers to the map as they are.
      layer = L.GeoJSON.geometryToLayer(f);
      layer.setStyle(L.extend(lineStyle(props, opt), { renderer: opt.svg }));
    }
    var name = opt.lang === "vi" ? props.name_vi : (props.name_en || props.name_vi);
    // A node, never a string: Leaflet puts string tooltip content in with innerHTML.
    layer.bindTooltip(function () { return el("span", { text: name }); });
    layer.bindPopup(function () { return popupContent(props, f.id, opt); }, popupOpts);
    layer.on("popupopen", function () { layer.closeTooltip(); });
    layer.feature = f;
    return layer;
  }

  // A grid cell standing for many projects (gis/mapdata.py): a bubble with the count; a click zooms in.
  function clusterFor(f, map, opt) {
    var c = f.geometry.coordinates, n = f.properties.count, size = Math.round(28 + 8 * Math.log10(n));
    var bubble = el("span", { "class": "cantho-cell", style: { width: size + "px", height: size + "px" } },
      [el("span", { text: String(n) })]);
    var layer = L.marker([c[1], c[0]], { icon: L.divIcon({ html: bubble, className: "cantho-cell-wrap",
      iconSize: [size, size] }), keyboard: true, title: String(n) });
    var lines = Object.keys(f.properties.counts).map(function (code) {
      return ((opt.statusBy[code] || {}).label || code) + ": " + f.properties.counts[code];
    });
    layer.bindTooltip(function () { return el("span", { text: lines.join(" · ") }); });
    layer.on("click", function () { map.setView(layer.getLatLng(), Math.min(map.getZoom() + 2, map.getMaxZoom())); });
    layer.feature = f;
    return layer;
  }

  // Draws ``data`` in place of what is drawn; keeps one list of layers per target (cluster or map).
  function draw(state, data) {
    var map = state.map, opt = state.opt;
    state.drawn.forEach(function (item) {
      if (item.target.removeLayers) item.target.removeLayers(item.layers);
      else item.layers.forEach(function (layer) { item.target.removeLayer(layer); });
    });
    state.drawn = [];
    var batches = {}, cells = [], popupOpts = popupOptions(map);  // one layout read, not one per project
    data.features.forEach(function (f) {
      if (f.properties.cluster) { cells.push(clusterFor(f, map, opt)); return; }
      var key = opt.clusters[opt.groups[f.properties.sector]] || "";
      (batches[key] = batches[key] || []).push(layerFor(f, opt, popupOpts));
    });
    if (cells.length) batches[""] = (batches[""] || []).concat(cells);
    Object.keys(batches).forEach(function (key) {
      var target = (key && window[key]) || map;
      if (target.addLayers) target.addLayers(batches[key]);
      else batches[key].forEach(function (layer) { target.addLayer(layer); });
      state.drawn.push({ target: target, layers: batches[key] });
    });
    opt.counts = state.counts || countsOf(data.features);
    Array.prototype.forEach.call(document.querySelectorAll(".cantho-legend li[data-status]"), function (li) {
      li.querySelector(".legend-count").textContent = String(opt.counts[li.getAttribute("data-status")] || 0);
    });
    window.cantho = { map: map, featureCount: data.features.length - cells.length, cells: cells.length,
      counts: opt.counts, at: state.at || null, mode: state.mode };
  }

  // -- fetching what to draw: everything at once, or by viewport (gis/mapdata.py) ----------------
  function withParams(url, params) {
    var parts = url.split("?"), query = new URLSearchParams(parts[1] || "");
    Object.keys(params || {}).forEach(function (k) {
      if (params[k] === null || params[k] === undefined || params[k] === "") query.delete(k);
      else query.set(k, params[k]);
    });
    var text = query.toString();
    return parts[0] + (text ? "?" + text : "");
  }

  function get(state, withView) {
    var params = {};
    if (withView) {
      var b = state.map.getBounds().pad(0.2), clamp = function (v, lim) { return Math.max(-lim, Math.min(lim, v)).toFixed(5); };
      params = { bbox: [clamp(b.getWest(), 180), clamp(b.getSouth(), 90), clamp(b.getEast(), 180), clamp(b.getNorth(), 90)].join(","),
        zoom: String(state.map.getZoom()) };
    }
    var ticket = state.ticket = (state.ticket || 0) + 1;
    // No custom headers: the page's <link rel="preload"> of the first answer must match this request.
    return fetch(withParams(state.url, params), { credentials: "same-origin" })
      .then(function (r) {
        if (!r.ok) throw new Error("HTTP " + r.status);
        return r.json();
      })
      .then(function (data) { return ticket === state.ticket ? data : null; });  // null: a newer question was asked
  }

  // Everything the selection holds (mode "all"), or its counts then the projects in view.
  function loadAll(state) {
    return get(state, false).then(function (data) {
      if (!data) return loadAll(state);  // overtaken by a view request: ask again
      state.mode = data.mode || "all";
      state.at = data.at || null;
      state.counts = data.counts || null;
      if (state.mode === "all") { draw(state, data); return data; }
      return get(state, true).then(function (view) { if (view) draw(state, view); return data; });
    });
  }

  function ready(state, count) {
    window.mapReady = true;
    document.dispatchEvent(new CustomEvent("cantho:map-ready", { detail: { count: count } }));
  }

  var current = null;

  window.CanThoMap = {
    addProjects: function (map, data, opt) {
      opt.statusBy = byCode(opt.legend.statuses);
      opt.sectorBy = byCode(opt.legend.sectors);
      opt.icons = {};
      opt.svg = L.svg();  // projects' lines and areas stay SVG (classes, focus) on a canvas-drawn base map
      opt.counts = data ? countsOf(data.features) : {};
      var state = current = { map: map, opt: opt, drawn: [], mode: "all", url: opt.dataUrl, counts: null };
      if (opt.showLegend) addLegend(map, opt);
      map.invalidateSize();
      var wide = window.matchMedia("(min-width: 701px)").matches && opt.showLegend;
      map.fitBounds(opt.bounds, { paddingBottomRight: [wide ? 250 : 0, 0], animate: false });  // no zoom animation to wait for
      addResetControl(map, opt.bounds, opt.labels.reset_view);
      if (data) { draw(state, data); ready(state, data.features.length); return; }
      var timer = null;
      map.on("moveend", function () {
        if (state.mode !== "viewport") return;
        clearTimeout(timer);
        timer = setTimeout(function () {
          get(state, true).then(function (view) {
            if (!view) return;
            draw(state, view);
            document.dispatchEvent(new CustomEvent("cantho:map-redrawn", { detail: { count: view.features.length } }));
          }).catch(function () {});
        }, 120);
      });
      loadAll(state).then(function (d) { ready(state, d.count); }).catch(function (e) {
        document.dispatchEvent(new CustomEvent("cantho:map-failed", { detail: { error: String(e) } }));
      });
    },
    // Draws the selection again with other parameters (e.g. {at: "2019-06-30"}); resolves with the
    // answer's summary (count, at, at_text).
    reload: function (params) {
      if (!current || !current.url) return Promise.reject(new Error("this map has no data URL"));
      current.url = withParams(current.url, params);
      current.map.closePopup();
      return loadAll(current).then(function (data) {
        document.dispatchEvent(new CustomEvent("cantho:map-redrawn", { detail: { count: data.count, at: data.at || null } }));
        return data;
      });
    },
    // Replaces the projects drawn by ``data`` (a FeatureCollection as gis/mapdata.py writes it).
    redraw: function (data) {
      if (!current) return;
      current.map.closePopup();
      current.counts = data.counts || null;
      current.at = data.at || null;
      draw(current, data);
    }
  };
})();
