"""The load test's users (locust): signed-in clerks and analysts of the demo.

Driven by benchmarks/load_test.py, which prepares the users and checks the database
afterwards; not meant to be run alone. Every user signs in through the login form.
Clerks each own one cell of one form and save increasing numbers to it, recording the last
value the server acknowledged, so the driver can count lost updates.
"""

from __future__ import annotations

import json
import os
import re
import threading
import time
from pathlib import Path

from locust import HttpUser, between, events, task

PLAN = json.loads(Path(os.environ["DANVAN_LOAD_PLAN"]).read_text())
ACKS = Path(os.environ["DANVAN_LOAD_ACKS"])
_lock = threading.Lock()
_clerks = iter(PLAN["clerks"])
_extras = iter(PLAN["analysts"])
_REVISION = re.compile(r'"revision": "(\d+)"')
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _sign_in(user: HttpUser, username: str) -> None:
    page = user.client.get("/login/", name="login page")
    token = _CSRF.search(page.text)
    response = user.client.post(
        "/login/",
        {
            "username": username,
            "password": PLAN["password"],
            "csrfmiddlewaretoken": token.group(1) if token else "",
        },
        name="login",
        allow_redirects=False,
    )
    if response.status_code != 302:
        raise RuntimeError(f"{username} could not sign in: {response.status_code}")


def _csrf(user: HttpUser) -> str:
    return user.client.cookies.get("csrftoken", "")


class Clerk(HttpUser):
    """Saves its own cell, opens its form and the dashboard."""

    weight = 4
    wait_time = between(0.5, 2.0)

    def on_start(self) -> None:
        with _lock:
            self.plan = next(_clerks)
        _sign_in(self, self.plan["username"])
        self.value = self.plan["start"]
        self.revision = self.plan["revision"]
        self.acknowledged: int | None = None

    @task(5)
    def save_cell(self) -> None:
        value = self.value + 1
        with self.client.post(
            self.plan["cell_url"],
            {"value": str(value), "revision": str(self.revision)},
            headers={"X-CSRFToken": _csrf(self), "HX-Request": "true"},
            name="cell save",
            catch_response=True,
        ) as response:
            found = _REVISION.search(response.text)
            if response.status_code != 200 or "cell-ok" not in response.text or not found:
                response.failure(f"not saved ({response.status_code})")
                return
            self.value = value
            self.revision = int(found.group(1))
            self.acknowledged = value

    @task(2)
    def open_form(self) -> None:
        self.client.get(self.plan["form_url"], name="entry form")

    @task(2)
    def dashboard(self) -> None:
        self.client.get(PLAN["dashboard_url"], name="dashboard")

    def on_stop(self) -> None:
        with _lock, ACKS.open("a") as out:
            out.write(json.dumps({"key": self.plan["key"], "value": self.acknowledged}) + "\n")


class Analyst(HttpUser):
    """Reads the dashboard and its drill-down; one of them imports a file, one downloads a
    report."""

    weight = 1
    wait_time = between(0.5, 2.0)

    def on_start(self) -> None:
        with _lock:
            self.plan = next(_extras)
        _sign_in(self, self.plan["username"])
        self.done = False

    @task(4)
    def dashboard(self) -> None:
        self.client.get(PLAN["dashboard_url"], name="dashboard")

    @task(1)
    def once(self) -> None:
        if self.done or not self.plan.get("job"):
            self.client.get(PLAN["dashboard_url"], name="dashboard")
            return
        self.done = True
        if self.plan["job"] == "import":
            self._import()
        else:
            self._report()

    def _import(self) -> None:
        """Upload, wait for the worker's check, confirm, wait for the worker to apply."""
        body = Path(PLAN["import_file"]).read_bytes()
        response = self.client.post(
            "/figures/exchange/upload/",
            data={"csrfmiddlewaretoken": _csrf(self)},
            files={"file": ("load.csv", body, "text/csv")},
            name="import upload",
            allow_redirects=False,
        )
        job_url = response.headers.get("Location", "")
        if response.status_code != 302 or "/jobs/" not in job_url:
            self._job_failed("import", f"upload refused ({response.status_code})")
            return
        if not self._wait(job_url + "progress/"):
            return
        self.client.post(
            job_url + "apply/",
            {"csrfmiddlewaretoken": _csrf(self)},
            name="import apply",
            allow_redirects=False,
        )
        self._wait(job_url + "progress/")

    def _wait(self, url: str) -> bool:
        for _ in range(240):
            response = self.client.get(url, name="job progress")
            if response.headers.get("HX-Refresh"):
                return True
            time.sleep(0.5)
        self._job_failed("job", "not finished in 120 s")
        return False

    def _job_failed(self, name: str, message: str) -> None:
        events.request.fire(
            request_type="JOB",
            name=name,
            response_time=0,
            response_length=0,
            exception=RuntimeError(message),
            context={},
        )

    def _report(self) -> None:
        """Ask the worker for the province report (DOCX), wait for it, download it."""
        response = self.client.post(
            PLAN["report_url"],
            {"csrfmiddlewaretoken": _csrf(self)},
            name="report start",
            allow_redirects=False,
        )
        job_url = response.headers.get("Location", "")
        if response.status_code != 302 or "/jobs/" not in job_url:
            self._job_failed("report", f"report refused ({response.status_code})")
            return
        for _ in range(240):
            status = self.client.get(job_url + "status/", name="job progress").json()
            if status.get("download"):
                self.client.get(status["download"], name="report download")
                return
            if status.get("status") == "failed":
                self._job_failed("report", status.get("message", "failed"))
                return
            time.sleep(0.5)
        self._job_failed("report", "not ready in 120 s")
