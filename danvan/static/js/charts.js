// Render every chart spec of the page with vega-embed (vendored, no network).
// ast + vega-embed's bundled interpreter evaluate Vega expressions without eval/new Function,
// and defaultStyle/disableDefaultStyle keep vega-embed from injecting <style> elements (their
// rules are in vendor/vega/vega-embed-6.29.0.css): the Content-Security-Policy allows neither.
window.addEventListener("DOMContentLoaded", function () {
  if (typeof vegaEmbed !== "function") return;
  const locale = { number: { decimal: ",", thousands: ".", grouping: [3], currency: ["", " đ"] } };
  document.querySelectorAll("[data-spec-id]").forEach(function (element) {
    const source = document.getElementById(element.dataset.specId);
    if (!source) return;
    const spec = JSON.parse(source.textContent);
    vegaEmbed(element, spec, {
      actions: false,
      renderer: "svg",
      formatLocale: locale.number,
      ast: true,
      defaultStyle: false,
      tooltip: { disableDefaultStyle: true },
    }).catch(function () {});
  });
});
