"""A local stand-in for the part of ServiceNow's Table API Posture uses, for the Python suites:
POST /api/now/table/{incident|change_request} (201, the record in `sysparm_display_value=all`
shape) and GET with `sysparm_query` (`field=value` and `fieldSTARTSWITHvalue` joined by `^`), with
Basic sign-in. Runs on a thread on 127.0.0.1; `records` holds what was raised.
"""

from __future__ import annotations

import base64
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

USERNAME = "posture.integration"
PASSWORD = "browser-sn-password"


class FakeServiceNow:
    def __init__(self) -> None:
        self.records: list[dict] = []
        self.lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # quiet
                pass

            def authorized(self) -> bool:
                expected = base64.b64encode(f"{USERNAME}:{PASSWORD}".encode()).decode()
                return self.headers.get("Authorization") == f"Basic {expected}"

            def answer(self, status: int, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def table(self) -> str | None:
                parts = urlparse(self.path).path.strip("/").split("/")
                if len(parts) == 4 and parts[:3] == ["api", "now", "table"] and parts[3] in ("incident", "change_request"):
                    return parts[3]
                return None

            def do_POST(self) -> None:  # noqa: N802
                table = self.table()
                if not self.authorized() or table is None:
                    self.answer(401 if table else 404, {"error": {"message": "User Not Authenticated"}})
                    return
                fields = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))) or b"{}")
                with fake.lock:
                    number = ("INC" if table == "incident" else "CHG") + f"{10001 + len(fake.records):07d}"
                    record = {"table": table, "sys_id": f"{len(fake.records) + 1:032x}", "number": number,
                              "state": "New", "active": "true", **fields}
                    fake.records.append(record)
                self.answer(201, {"result": fake.shaped(record)})

            def do_GET(self) -> None:  # noqa: N802
                table = self.table()
                if not self.authorized() or table is None:
                    self.answer(401 if table else 404, {"error": {"message": "User Not Authenticated"}})
                    return
                query = parse_qs(urlparse(self.path).query).get("sysparm_query", [""])[0]
                with fake.lock:
                    found = [r for r in fake.records if r["table"] == table]
                for condition in query.split("^"):
                    if "STARTSWITH" in condition:
                        field, prefix = condition.split("STARTSWITH", 1)
                        found = [r for r in found if str(r.get(field, "")).startswith(prefix)]
                    elif "=" in condition:
                        field, value = condition.split("=", 1)
                        found = [r for r in found if str(r.get(field, "")) == value]
                self.answer(200, {"result": [fake.shaped(r) for r in found]})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @staticmethod
    def shaped(record: dict) -> dict:
        keys = ("sys_id", "number", "state", "active", "correlation_id")
        return {key: {"value": str(record.get(key, "")), "display_value": str(record.get(key, ""))} for key in keys}

    def stop(self) -> None:
        self.server.shutdown()
