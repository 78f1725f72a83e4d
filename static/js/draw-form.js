/* Geometry editing: the shape drawn on the map (Leaflet.draw) replaces the GeoJSON in the form. */
(function () {
  "use strict";
  var field = document.getElementById("geometry-field");
  function attach() {
    if (!window.cantho || !window.cantho.map) { setTimeout(attach, 50); return; }
    var map = window.cantho.map, drawn = null;
    map.on("draw:created", function (e) {
      if (drawn) map.removeLayer(drawn);
      drawn = e.layer.addTo(map);
      field.value = JSON.stringify(e.layer.toGeoJSON().geometry);
      field.dispatchEvent(new Event("change"));
    });
  }
  if (field) attach();
})();
