// Keyboard navigation in the entry form: Enter and ↓ go to the next cell, ↑ to the
// previous one. Saving happens on change (htmx), so moving on saves the cell.
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
    target.dispatchEvent(new Event("change", { bubbles: true }));
    if (next) { next.focus(); next.select(); }
  });
  // After htmx swaps a row, keep the focus where the user went.
  document.body.addEventListener("htmx:afterSwap", function () {});
})();
