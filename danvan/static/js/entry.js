// Keyboard navigation in the entry form: Enter and ↓ go to the next cell, ↑ to the
// previous one. Leaving a changed cell fires its native change event, which htmx turns
// into the save: never fire it by hand too, or the cell is saved twice.
(function () {
  function inputs() {
    return Array.from(document.querySelectorAll("input.cell-input:not([disabled])"));
  }
  document.addEventListener("keydown", function (event) {
    const target = event.target;
    if (!(target instanceof HTMLInputElement) || !target.classList.contains("cell-input")) return;
    if (!["Enter", "ArrowDown", "ArrowUp"].includes(event.key)) return;
    const all = inputs();
    const index = all.indexOf(target);
    const next = event.key === "ArrowUp" ? all[index - 1] : all[index + 1];
    event.preventDefault();
    if (next) { next.focus(); next.select(); } else { target.blur(); }
  });
})();
// A link to a cell in the list of problems takes the clerk into the cell itself.
(function () {
  document.addEventListener("click", function (event) {
    const link = event.target instanceof Element ? event.target.closest("a[data-focus-cell]") : null;
    if (!link) return;
    const input = document.getElementById(link.getAttribute("data-focus-cell"));
    if (!input) return;
    event.preventDefault();
    input.scrollIntoView({ block: "center" });
    input.focus();
    input.select();
    history.replaceState(null, "", link.getAttribute("href"));
  });
})();
