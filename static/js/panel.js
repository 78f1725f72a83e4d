/* On a phone the filter panel starts folded so the map is visible; the map is resized when the panel toggles. */
(function () {
  "use strict";
  var panel = document.querySelector("details.filter-panel");
  if (!panel) return;
  if (window.matchMedia("(max-width: 700px)").matches && panel.hasAttribute("data-fold-on-phone")) panel.open = false;
  panel.addEventListener("toggle", function () {
    if (window.cantho && window.cantho.map) setTimeout(function () { window.cantho.map.invalidateSize(); }, 50);
  });
})();
