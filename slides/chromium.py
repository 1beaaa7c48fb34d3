"""Headless Chromium driven over the DevTools protocol on a pipe: open a deck, record what went wrong,
screenshot.

No extra package and no port: ``--remote-debugging-pipe`` reads commands on the browser's fd 3 and writes
answers on fd 4, as NUL-terminated JSON. The test of the decks (tests/test_slides.py) uses it; by hand:

    .venv/bin/python slides/chromium.py slides/build/01_ab_testing.html 5 shot.png

What counts as a problem: a console error or warning, an uncaught exception, a resource that failed to load
(a missing asset), an HTTP error status, and any request to something other than a file, ``data:`` or
``blob:`` URL or the loopback (a deck must load nothing from the network).
"""

import base64
import json
import os
import pathlib
import select
import shutil
import subprocess
import sys
import tempfile
import time
from urllib.parse import urlsplit

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-extensions", "--hide-scrollbars", "--mute-audio", "--remote-debugging-pipe"]
LOCAL_SCHEMES = {"file", "data", "blob", "about"}
LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]", "::1"}
WIDTH, HEIGHT = 1280, 720


def find_executable():
    """$CHROMIUM if set, else Debian's chromium or another Chromium/Chrome on PATH; None if there is none."""
    if os.environ.get("CHROMIUM"):
        return shutil.which(os.environ["CHROMIUM"])
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


class BrowserError(RuntimeError):
    """The browser died, timed out or refused a command."""


class Chromium:
    """One headless browser; use as a context manager so it always stops."""

    def __init__(self, executable=None, timeout=30.0):
        self.executable = executable or find_executable()
        if self.executable is None:
            raise BrowserError("no chromium found on PATH")
        self.timeout, self._next_id, self._buffer, self._events = timeout, 0, b"", []
        self.profile = tempfile.mkdtemp(prefix="botify-slides-chromium-")
        commands_read, self._commands = os.pipe()
        self._answers, answers_write = os.pipe()
        self.process = subprocess.Popen(
            [self.executable, *FLAGS, f"--user-data-dir={self.profile}", f"--window-size={WIDTH},{HEIGHT}",
             "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            pass_fds=(3, 4), preexec_fn=_as_fds_3_and_4(commands_read, answers_write))
        os.close(commands_read)
        os.close(answers_write)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        """Stop the browser (politely, then by force) and remove its profile."""
        if self.process.poll() is None:
            try:
                self.send("Browser.close")
            except (BrowserError, OSError):
                pass
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        for fd in (self._commands, self._answers):
            try:
                os.close(fd)
            except OSError:
                pass
        shutil.rmtree(self.profile, ignore_errors=True)

    def send(self, method, params=None, session=None):
        """Send one command and return its result; events that arrive meanwhile are kept."""
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._commands, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + self.timeout
        while True:
            answer = self._receive(deadline)
            if answer.get("id") == self._next_id:
                if "error" in answer:
                    raise BrowserError(f"{method}: {answer['error'].get('message')}")
                return answer.get("result", {})
            self._events.append(answer)

    def wait_for(self, method, session, timeout=None):
        """Wait until an event ``method`` of ``session`` arrives (or was already kept)."""
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            for event in self._events:
                if event.get("method") == method and event.get("sessionId") == session:
                    return event
            self._events.append(self._receive(deadline))

    def events(self, session):
        """Every event seen so far for ``session``, after reading whatever is waiting on the pipe."""
        while select.select([self._answers], [], [], 0)[0]:
            self._events.append(self._receive(time.monotonic() + self.timeout))
        return [event for event in self._events if event.get("sessionId") == session]

    def _receive(self, deadline):
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise BrowserError(f"no answer from chromium within {self.timeout:.0f} s")
            if select.select([self._answers], [], [], left)[0]:
                chunk = os.read(self._answers, 1 << 20)
                if not chunk:
                    raise BrowserError(f"chromium exited (code {self.process.poll()})")
                self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def open(self, url):
        """A new tab with the page at ``url`` loaded, recording console, errors and requests from the
        start."""
        page = self.attach(self.send("Target.createTarget", {"url": "about:blank"})["targetId"])
        self.send("Page.navigate", {"url": url}, session=page.session)
        self.wait_for("Page.loadEventFired", page.session)
        return page

    def attach(self, target):
        """A :class:`Page` for an open tab or window (``Log.enable`` replays what it logged before)."""
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.send(f"{domain}.enable", session=session)
        metrics = {"width": WIDTH, "height": HEIGHT, "deviceScaleFactor": 1, "mobile": False}
        self.send("Emulation.setDeviceMetricsOverride", metrics, session=session)
        return Page(self, session, target)


def _as_fds_3_and_4(commands_read, answers_write):
    """A preexec function that puts the two pipe ends where ``--remote-debugging-pipe`` expects them."""
    import fcntl  # POSIX only; imported here so that the module loads anywhere

    def move():
        high_read = fcntl.fcntl(commands_read, fcntl.F_DUPFD, 10)
        high_write = fcntl.fcntl(answers_write, fcntl.F_DUPFD, 10)
        os.dup2(high_read, 3)
        os.dup2(high_write, 4)
    return move


class Page:
    """One tab of a :class:`Chromium`."""

    def __init__(self, browser, session, target):
        self.browser, self.session, self.target = browser, session, target

    def close(self):
        self.browser.send("Target.closeTarget", {"targetId": self.target})

    def evaluate(self, expression):
        """The value of a JavaScript expression (promises awaited)."""
        result = self.browser.send("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                                        "awaitPromise": True}, session=self.session)
        if "exceptionDetails" in result:
            raise BrowserError(f"{expression}: {result['exceptionDetails'].get('text')}")
        return result["result"].get("value")

    def wait_until(self, expression, timeout=15.0):
        """Poll a JavaScript condition until it is true."""
        deadline = time.monotonic() + timeout
        while not self.evaluate(expression):
            if time.monotonic() > deadline:
                raise BrowserError(f"still false after {timeout:.0f} s: {expression}")
            time.sleep(0.05)

    def screenshot(self, path):
        """Save what the tab shows as a PNG."""
        data = self.browser.send("Page.captureScreenshot", {"format": "png"}, session=self.session)["data"]
        with open(path, "wb") as file:
            file.write(base64.b64decode(data))
        return path

    def problems(self):
        """Console errors and warnings, exceptions, failed loads, HTTP errors and non-local requests so
        far."""
        found = []
        for event in self.browser.events(self.session):
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "warning", "assert"):
                shown = (str(a.get("value", a.get("description"))) for a in params.get("args", []))
                found.append(f"console.{params['type']}: " + " ".join(shown))
            elif method == "Runtime.exceptionThrown":
                details = params.get("exceptionDetails", {})
                description = details.get("exception", {}).get("description") or details.get("text")
                found.append(f"exception: {description}")
            elif method == "Log.entryAdded" and params["entry"].get("level") in ("error", "warning"):
                entry = params["entry"]
                found.append(f"log {entry['level']}: {entry.get('text')} {entry.get('url', '')}")
            elif method == "Network.requestWillBeSent" and not is_local(params["request"]["url"]):
                found.append(f"network request: {params['request']['url'][:120]}")
            elif method == "Network.loadingFailed":
                found.append(f"failed to load: {params.get('errorText')} ({params.get('type')})")
            elif method == "Network.responseReceived" and params["response"].get("status", 200) >= 400:
                found.append(f"HTTP {params['response']['status']}: {params['response']['url'][:120]}")
        return found


def is_local(url):
    """True for file:, data:, blob:, about: URLs and the loopback; anything else is the network."""
    parts = urlsplit(url)
    return parts.scheme in LOCAL_SCHEMES or (parts.scheme in ("http", "https", "ws", "wss")
                                             and (parts.hostname or "") in LOCAL_HOSTS)


def main(argv):
    """``chromium.py DECK.html SLIDE OUT.png``: screenshot one slide (0 = the title) and print any problem."""
    deck, slide, out = argv
    with Chromium() as browser:
        page = browser.open(pathlib.Path(deck).resolve().as_uri())
        page.wait_until("typeof Reveal !== 'undefined' && Reveal.isReady()")
        page.evaluate(f"Reveal.configure({{transition: 'none'}}); Reveal.slide({int(slide)}); true")
        time.sleep(0.3)
        page.screenshot(out)
        for problem in page.problems():
            print(problem)
    print(out)


if __name__ == "__main__":
    main(sys.argv[1:])
