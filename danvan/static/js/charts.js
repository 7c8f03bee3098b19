// Render every chart spec of the page with vega-embed (vendored, no network).
window.addEventListener("DOMContentLoaded", function () {
  if (typeof vegaEmbed !== "function") return;
  const locale = { number: { decimal: ",", thousands: ".", grouping: [3], currency: ["", " đ"] } };
  document.querySelectorAll("[data-spec-id]").forEach(function (element) {
    const source = document.getElementById(element.dataset.specId);
    if (!source) return;
    const spec = JSON.parse(source.textContent);
    vegaEmbed(element, spec, { actions: false, renderer: "svg", formatLocale: locale.number }).catch(function () {});
  });
});
