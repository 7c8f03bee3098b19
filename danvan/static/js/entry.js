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
// No typed figure is lost. A cell whose save did not reach the server (session ended,
// connection lost, server error) keeps the typed value, is marked unsaved, says why at
// the cell and offers to resend; leaving the page while a cell is unsaved asks first.
// The texts come translated from the table's data-msg-* attributes.
(function () {
  function table() { return document.querySelector("table.entry"); }
  function text(name) { const t = table(); return (t && t.getAttribute("data-msg-" + name)) || name; }
  function cellOf(element) { return element instanceof Element ? element.closest("tr.cell") : null; }
  function csrfToken() {
    // Signing in again (in another tab) rotates the token: always send the current one.
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : null;
  }
  document.addEventListener("htmx:configRequest", function (event) {
    const token = csrfToken();
    if (token) event.detail.headers["X-CSRFToken"] = token;
  });
  function clearProblem(row) {
    row.classList.remove("unsaved");
    const old = row.querySelector(".save-problem");
    if (old) old.remove();
  }
  function showProblem(row, source, status) {
    clearProblem(row);
    row.classList.add("unsaved");
    const reason = status === 401 ? "expired" : status === 403 ? "forbidden" : status === 0 ? "offline" : "server";
    const box = document.createElement("span");
    box.className = "save-problem cell-error";
    box.setAttribute("role", "alert");
    box.append(text(reason) + " ");
    if (status === 401 || status === 403) {
      const link = document.createElement("a");
      link.href = table().getAttribute("data-login-url");
      link.target = "_blank";
      link.rel = "noopener";
      link.textContent = text("signin");
      box.append(link, " ");
    }
    const resend = document.createElement("button");
    resend.type = "button";
    resend.className = "resend outline";
    resend.textContent = text("resend");
    resend.addEventListener("click", function () { htmx.trigger(source, "change"); });
    box.append(resend);
    const status_ = row.querySelector(".cell-status");
    if (status_) status_.prepend(box);
  }
  document.addEventListener("htmx:beforeRequest", function (event) {
    const row = cellOf(event.detail.elt);
    if (row) row.classList.add("saving");
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    const source = event.detail.elt;
    const row = cellOf(source);
    if (!row) return;
    row.classList.remove("saving");
    if (event.detail.successful) return;  // the row was replaced by the saved one
    const xhr = event.detail.xhr;
    showProblem(row, source, xhr ? xhr.status : 0);
  });
  // A typed value not sent yet (the change event has not fired) counts as unsaved too.
  function pending() {
    if (document.querySelector("tr.cell.unsaved, tr.cell.saving")) return true;
    return Array.from(document.querySelectorAll("input.cell-input")).some(function (input) {
      return input.value !== input.defaultValue;
    });
  }
  window.addEventListener("beforeunload", function (event) {
    if (!table() || !pending()) return;
    event.preventDefault();
    event.returnValue = "";
  });
})();
