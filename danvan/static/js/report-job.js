// Polls a report job's JSON status until the file is ready or the job failed.
(function () {
  "use strict";
  const box = document.getElementById("report-job");
  if (!box) return;
  const part = (role) => box.querySelector(`[data-role="${role}"]`);
  const bar = box.querySelector("progress");

  function show(state) {
    bar.value = state.progress;
    bar.hidden = state.status === "done" || state.status === "failed";
    part("label").textContent = state.label;
    part("label").className = `badge status-${state.status}`;
    part("percent").textContent = bar.hidden ? "" : `${state.progress}%`;
    part("message").textContent = state.message;
    part("message").hidden = !state.message;
    if (state.download) {
      part("download").querySelector("a").href = state.download;
      part("download").hidden = false;
    }
    return state.status === "queued" || state.status === "running";
  }

  async function poll() {
    try {
      const response = await fetch(box.dataset.statusUrl, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      if (response.ok && !show(await response.json())) return;
    } catch (error) {
      // A dropped connection: try again on the next tick.
    }
    window.setTimeout(poll, 1000);
  }

  if (part("download").hidden && part("message").hidden) window.setTimeout(poll, 1000);
})();
