// Behaviour the templates ask for with data attributes, because the Content-Security-Policy
// runs no inline handlers (onchange=, onclick=):
//   data-autosubmit  on a field: changing it submits its form.
//   data-once        on a button: it is disabled after its first click (htmx still sends
//                    the request: htmx's own listener on the button runs before this one).
//   data-check-all="name"  on a checkbox: ticks or unticks every checkbox of that name in
//                    its form.
(function () {
  document.addEventListener("change", function (event) {
    const all = event.target;
    if (!(all instanceof HTMLInputElement) || !all.hasAttribute("data-check-all")) return;
    const form = all.closest("form");
    if (!form) return;
    form.querySelectorAll('input[type=checkbox][name="' + all.getAttribute("data-check-all") + '"]')
      .forEach(function (box) { box.checked = all.checked; });
  });
  document.addEventListener("change", function (event) {
    const field = event.target;
    if (!(field instanceof HTMLElement) || !field.hasAttribute("data-autosubmit")) return;
    const form = field.closest("form");
    if (form) form.requestSubmit();
  });
  document.addEventListener("click", function (event) {
    const target = event.target instanceof Element ? event.target.closest("button[data-once]") : null;
    if (target) target.disabled = true;
  });
})();
