"""Headless Chromium driven over the Chrome DevTools Protocol (a websocket, no driver binary)."""

from __future__ import annotations

import base64
import contextlib
import json
import os
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import requests
import websocket

#: Flags that work on these machines (no GPU, no sandbox as root, nothing fetched from outside).
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=2560,1400",  # seven columns of nodes still show their details
    "--remote-debugging-port=0",
]


def chromium_path() -> str:
    """Debian's chromium, installed with apt-get when missing (root on the test machines)."""
    found = shutil.which("chromium")
    if found:
        return found
    if os.geteuid() != 0:
        raise RuntimeError("chromium is missing: apt-get install -y chromium (as root)")
    env = os.environ | {"DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update"], check=True, capture_output=True, env=env, timeout=600)
    subprocess.run(
        ["apt-get", "install", "-y", "chromium"],
        check=True,
        capture_output=True,
        env=env,
        timeout=1200,
    )
    return shutil.which("chromium") or "/usr/bin/chromium"


class Browser:
    """One Chromium process with one page, driven by CDP commands."""

    def __init__(self, profile: Path, timeout_s: float = 60.0) -> None:
        profile.mkdir(parents=True, exist_ok=True)
        self.proc = subprocess.Popen(
            [chromium_path(), *FLAGS, f"--user-data-dir={profile}", "about:blank"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + timeout_s
        while not port_file.exists() or not port_file.read_text().strip():
            if time.monotonic() > deadline or self.proc.poll() is not None:
                self.close()
                raise RuntimeError("chromium did not open its DevTools port")
            time.sleep(0.2)
        port = port_file.read_text().split()[0]
        pages = requests.get(f"http://127.0.0.1:{port}/json/list", timeout=10).json()
        url = next(p["webSocketDebuggerUrl"] for p in pages if p["type"] == "page")
        self.ws = websocket.create_connection(url, timeout=timeout_s, suppress_origin=True)
        self._id = 0
        self.send("Page.enable")
        self.send("Runtime.enable")

    def send(self, method: str, **params: Any) -> dict[str, Any]:
        """Send one command and return its result (events in between are dropped)."""
        self._id += 1
        self.ws.send(json.dumps({"id": self._id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self._id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def goto(self, url: str) -> None:
        """Navigate; the caller waits for what it needs to see."""
        self.send("Page.navigate", url=url)

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page (promises awaited)."""
        result = self.send(
            "Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True
        )
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression!r}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, expression: str, timeout_s: float = 90.0) -> Any:
        """Poll a JavaScript expression until it is truthy; its last value, or TimeoutError."""
        deadline = time.monotonic() + timeout_s
        value = None
        while time.monotonic() < deadline:
            try:
                value = self.evaluate(expression)
            except RuntimeError:
                value = None
            if value:
                return value
            time.sleep(0.5)
        raise TimeoutError(f"still false after {timeout_s:.0f} s: {expression}")

    def wait_for_text(self, predicate: Callable[[str], bool], timeout_s: float = 90.0) -> str:
        """Poll the page's text until ``predicate`` holds; the text, or TimeoutError."""
        deadline = time.monotonic() + timeout_s
        while True:
            text = self.text()
            if predicate(text):
                return text
            if time.monotonic() > deadline:
                raise TimeoutError(f"the page never showed what was awaited:\n{text[-2000:]}")
            time.sleep(0.5)

    def text(self) -> str:
        """The page's visible text."""
        return self.evaluate("document.body ? document.body.innerText : ''") or ""

    def screenshot(self, path: Path) -> Path:
        """Save a PNG of the viewport."""
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(self.send("Page.captureScreenshot")["data"]))
        return path

    def close(self) -> None:
        """Stop Chromium and its children."""
        if getattr(self, "ws", None) is not None:
            self.ws.close()
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, 15)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, 9)
                self.proc.wait()


@contextlib.contextmanager
def open_browser(profile: Path) -> Iterator[Browser]:
    """One headless Chromium for a module's pages, stopped when the module is done."""
    chromium = Browser(profile)
    try:
        yield chromium
    finally:
        chromium.close()


@contextlib.contextmanager
def saved_on_failure(browser: Browser, folder: Path, name: str) -> Iterator[None]:
    """Keep the page (``failure_<name>.png`` and its text) in ``folder`` when what follows fails."""
    try:
        yield
    except BaseException:
        browser.screenshot(folder / f"failure_{name}.png")
        (folder / f"failure_{name}.txt").write_text(browser.text())
        raise
