"""A minimal Language Server Protocol client: ``Content-Length`` framed JSON-RPC over the
server's stdin and stdout, as an editor speaks it. Keeps a transcript of every message."""

from __future__ import annotations

import json
import queue
import subprocess
import threading
import time


class LspClient:
    def __init__(self, command: list[str], cwd) -> None:
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, cwd=cwd)
        self.messages: queue.Queue = queue.Queue()
        self.transcript: list[tuple[str, dict]] = []
        self.next_id = 0
        # Answers to the server's requests, by method (``workspace/configuration``); others get null.
        self.answers: dict[str, object] = {}
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        stream = self.process.stdout
        while True:
            headers = {}
            while True:
                line = stream.readline()
                if not line:
                    return
                line = line.decode("ascii").strip()
                if not line:
                    break
                name, _, value = line.partition(":")
                headers[name.lower()] = value.strip()
            body = stream.read(int(headers["content-length"]))
            self.messages.put(json.loads(body))

    def send(self, message: dict) -> None:
        message = {"jsonrpc": "2.0", **message}
        self.transcript.append(("client", message))
        body = json.dumps(message).encode("utf-8")
        self.process.stdin.write(f"Content-Length: {len(body)}\r\n\r\n".encode("ascii") + body)
        self.process.stdin.flush()

    def notify(self, method: str, params: dict) -> None:
        self.send({"method": method, "params": params})

    def request(self, method: str, params: dict, timeout: float = 60.0):
        self.next_id += 1
        request_id = self.next_id
        self.send({"id": request_id, "method": method, "params": params})
        message = self.wait_for(lambda m: m.get("id") == request_id and "method" not in m, timeout)
        if "error" in message:
            raise RuntimeError(message["error"])
        return message["result"]

    def wait_for(self, matches, timeout: float = 60.0) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("no matching message from the server")
            message = self.messages.get(timeout=remaining)
            self.transcript.append(("server", message))
            if "method" in message and "id" in message:  # a request from the server: answer it
                self.send({"id": message["id"], "result": self.answers.get(message["method"])})
            if matches(message):
                return message

    def diagnostics(self, uri: str, version: int | None = None, timeout: float = 60.0) -> list[dict]:
        message = self.wait_for(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                                and m["params"]["uri"] == uri
                                and (version is None or m["params"].get("version") == version), timeout)
        return message["params"]["diagnostics"]

    def close(self) -> int:
        try:
            self.request("shutdown", {}, timeout=20)
            self.notify("exit", {})
            return self.process.wait(timeout=20)
        finally:
            if self.process.poll() is None:
                self.process.kill()
            self.process.stdout.close()
            self.process.stdin.close()
            self.process.stderr.close()


def apply_edits(text: str, edits: list[dict]) -> str:
    """Apply LSP TextEdits (positions in UTF-16 units), as an editor does: last first."""
    lines = text.splitlines(keepends=True)

    def offset(position: dict) -> int:
        line, character = position["line"], position["character"]
        if line >= len(lines):
            return len(text)
        head = sum(len(item) for item in lines[:line])
        units = lines[line].encode("utf-16-le")[:character * 2].decode("utf-16-le")
        return head + len(units)

    spans = sorted(((offset(e["range"]["start"]), offset(e["range"]["end"]), e["newText"]) for e in edits),
                   reverse=True)
    for start, end, new in spans:
        text = text[:start] + new + text[end:]
    return text
