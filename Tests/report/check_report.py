#!/usr/bin/env python3
"""Checks a casefind HTML report in headless Chromium, offline.

    check_report.py REPORT_HTML SCREENSHOT_PNG

Opens the page in headless Chromium with the network disabled, drives it over the DevTools
protocol (--remote-debugging-pipe: NUL-terminated JSON on file descriptors 3 and 4, standard
library only), and fails (exit 1) when:
  - the page logs a console error, throws, or Chromium logs an error entry (Runtime.consoleAPICalled
    of type error or assert, Runtime.exceptionThrown, Log.entryAdded of level error);
  - the page asks for anything but itself (Network.requestWillBeSent with a URL that is not the
    report's file: URL, data: or about:);
  - the page has no <svg>, or an <svg> has an empty box, or its box in the full-page screenshot
    holds no pixel that differs from the page background, or (when the chart has filled <rect>s
    wider than a pixel) no pixel of any of those fill colours.
Writes the full-page screenshot (PNG, 1 CSS pixel = 1 image pixel) to SCREENSHOT_PNG and prints
what it checked. Exit 2 when Chromium cannot be started or the arguments are wrong.

Chromium: $CHROMIUM, else /usr/lib/chromium/chromium (Debian's binary, without the wrapper
script), else chromium, chromium-browser or google-chrome on PATH. Tests/report/setup.sh
installs it.
"""

import base64
import fcntl
import json
import os
import select
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import zlib

VIEWPORT_WIDTH = 1280
TIMEOUT = 60.0
TOLERANCE = 24  # per channel, for anti-aliased edges and colour management


def find_chromium():
    candidates = [os.environ.get("CHROMIUM"), "/usr/lib/chromium/chromium"]
    candidates += [shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome")]
    for c in candidates:
        if c and os.path.isfile(c) and os.access(c, os.X_OK):
            return c
    return None


class Browser:
    """Chromium driven over --remote-debugging-pipe."""

    def __init__(self, binary, profile):
        to_child_r, self.to_child = os.pipe()
        self.from_child, from_child_w = os.pipe()

        def wire_fds():
            # In the child, before exec: the read end becomes fd 3, the write end fd 4. Copy
            # both above 9 first (close-on-exec), so neither dup2 clobbers the other.
            a = fcntl.fcntl(to_child_r, fcntl.F_DUPFD_CLOEXEC, 10)
            b = fcntl.fcntl(from_child_w, fcntl.F_DUPFD_CLOEXEC, 10)
            os.dup2(a, 3)
            os.dup2(b, 4)

        args = [
            binary,
            "--headless",
            "--remote-debugging-pipe",
            f"--user-data-dir={profile}",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-extensions",
            "--disable-component-update",
            "--disable-background-networking",
            "--disable-sync",
            "--disable-default-apps",
            "--disable-features=Translate,MediaRouter,OptimizationHints",
            "--metrics-recording-only",
            "--mute-audio",
            "--hide-scrollbars",
            "--force-color-profile=srgb",
            "--force-device-scale-factor=1",
            # No network: every host name fails to resolve, and any connection would go to a
            # proxy on a closed port.
            "--host-resolver-rules=MAP * ~NOTFOUND",
            "--proxy-server=http://127.0.0.1:9",
            "--proxy-bypass-list=<-loopback>",
            "about:blank",
        ]
        if os.geteuid() == 0:
            args.insert(1, "--no-sandbox")
        self.stderr = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(
            args,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=self.stderr,
            preexec_fn=wire_fds,
            # Python's own descriptors are close-on-exec; only 0-4 reach Chromium.
            close_fds=False,
        )
        os.close(to_child_r)
        os.close(from_child_w)
        self.next_id = 0
        self.buffer = b""
        self.events = []

    def close(self):
        try:
            self.call("Browser.close", timeout=5)
        except Exception:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self.to_child)
        os.close(self.from_child)

    def stderr_tail(self):
        self.stderr.seek(0)
        return self.stderr.read().decode("utf-8", "replace")[-2000:]

    def _read_message(self, deadline):
        while b"\0" not in self.buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("no answer from Chromium")
            ready, _, _ = select.select([self.from_child], [], [], remaining)
            if not ready:
                continue
            chunk = os.read(self.from_child, 1 << 20)
            if not chunk:
                raise ConnectionError("Chromium closed the DevTools pipe\n" + self.stderr_tail())
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def call(self, method, params=None, session=None, timeout=TIMEOUT):
        self.next_id += 1
        request = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            request["sessionId"] = session
        data = json.dumps(request).encode() + b"\0"
        while data:
            data = data[os.write(self.to_child, data):]
        deadline = time.monotonic() + timeout
        while True:
            message = self._read_message(deadline)
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            self.events.append(message)

    def wait_for(self, method, timeout=TIMEOUT):
        deadline = time.monotonic() + timeout
        for e in self.events:
            if e.get("method") == method:
                return e
        while True:
            message = self._read_message(deadline)
            self.events.append(message)
            if message.get("method") == method:
                return message


def decode_png(data):
    """Width, height and rows of (r, g, b) tuples of an 8-bit, non-interlaced RGB or RGBA PNG."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos = 8
    idat = b""
    width = height = None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            if depth != 8 or colour not in (2, 6) or interlace != 0:
                raise ValueError(f"unsupported PNG (depth {depth}, colour type {colour}, interlace {interlace})")
            channels = 4 if colour == 6 else 3
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
    raw = zlib.decompress(idat)
    stride = width * channels
    rows = []
    previous = bytearray(stride)
    i = 0
    for _ in range(height):
        kind = raw[i]
        line = bytearray(raw[i + 1 : i + 1 + stride])
        i += 1 + stride
        if kind == 1:
            for x in range(channels, stride):
                line[x] = (line[x] + line[x - channels]) & 0xFF
        elif kind == 2:
            for x in range(stride):
                line[x] = (line[x] + previous[x]) & 0xFF
        elif kind == 3:
            for x in range(stride):
                left = line[x - channels] if x >= channels else 0
                line[x] = (line[x] + ((left + previous[x]) >> 1)) & 0xFF
        elif kind == 4:
            for x in range(stride):
                a = line[x - channels] if x >= channels else 0
                b = previous[x]
                c = previous[x - channels] if x >= channels else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                predictor = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[x] = (line[x] + predictor) & 0xFF
        elif kind != 0:
            raise ValueError(f"bad PNG filter {kind}")
        rows.append(bytes(line))
        previous = line
    return width, height, channels, rows


def parse_colour(text):
    """'rgb(1, 2, 3)' or 'rgba(1, 2, 3, 0.5)' as (r, g, b, alpha)."""
    inside = text[text.index("(") + 1 : text.rindex(")")]
    parts = [p.strip() for p in inside.replace("/", ",").split(",")]
    r, g, b = (int(float(p)) for p in parts[:3])
    alpha = float(parts[3]) if len(parts) > 3 else 1.0
    return r, g, b, alpha


def near(p, q, tolerance=TOLERANCE):
    return abs(p[0] - q[0]) <= tolerance and abs(p[1] - q[1]) <= tolerance and abs(p[2] - q[2]) <= tolerance


# Every <svg>: its box in page coordinates, its label, the page background behind it, and the
# fill colours of its filled rects wider than a pixel (as computed colours).
CHARTS_JS = r"""
(() => {
  const background = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = getComputedStyle(e).backgroundColor;
      if (c && c !== 'transparent' && !/rgba\(.*,\s*0\)$/.test(c)) return c;
    }
    return 'rgb(255, 255, 255)';
  };
  return Array.from(document.querySelectorAll('svg')).map((svg, i) => {
    const r = svg.getBoundingClientRect();
    const fills = new Set();
    svg.querySelectorAll('rect').forEach((rect) => {
      const b = rect.getBoundingClientRect();
      const f = getComputedStyle(rect).fill;
      if (b.width >= 2 && b.height >= 2 && f && f.startsWith('rgb')) fills.add(f);
    });
    const title = svg.querySelector('title');
    return {
      index: i + 1,
      label: svg.getAttribute('aria-label') || '',
      title: title ? title.textContent : '',
      role: svg.getAttribute('role') || '',
      x: r.left + window.scrollX, y: r.top + window.scrollY, width: r.width, height: r.height,
      background: background(svg.parentElement),
      fills: Array.from(fills),
    };
  });
})()
"""


def main(argv):
    if len(argv) != 3:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    report, screenshot = os.path.abspath(argv[1]), os.path.abspath(argv[2])
    if not os.path.isfile(report):
        print(f"error: no such file {report}", file=sys.stderr)
        return 2
    binary = find_chromium()
    if not binary:
        print("error: Chromium not found (run Tests/report/setup.sh or set CHROMIUM)", file=sys.stderr)
        return 2
    version = subprocess.run([binary, "--version"], capture_output=True, text=True).stdout.strip()
    url = "file://" + report
    failures = []
    print(f"chromium: {binary} ({version})")
    print(f"page: {url}")

    with tempfile.TemporaryDirectory(prefix="check-report-") as profile:
        browser = Browser(binary, profile)
        try:
            target = browser.call("Target.createTarget", {"url": "about:blank"})["targetId"]
            session = browser.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
            for domain in ("Page", "Runtime", "Log", "Network"):
                browser.call(f"{domain}.enable", session=session)
            browser.call(
                "Emulation.setDeviceMetricsOverride",
                {"width": VIEWPORT_WIDTH, "height": 800, "deviceScaleFactor": 1, "mobile": False},
                session=session,
            )
            browser.events.clear()
            navigation = browser.call("Page.navigate", {"url": url}, session=session)
            if navigation.get("errorText"):
                failures.append(f"navigation failed: {navigation['errorText']}")
            browser.wait_for("Page.loadEventFired")
            # Make the viewport the whole page, so page coordinates are screenshot pixels.
            metrics = browser.call("Page.getLayoutMetrics", session=session)
            size = metrics.get("cssContentSize") or metrics["contentSize"]
            width, height = max(VIEWPORT_WIDTH, int(size["width"] + 0.999)), int(size["height"] + 0.999)
            browser.call(
                "Emulation.setDeviceMetricsOverride",
                {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
                session=session,
            )
            # Two animation frames, so layout and paint have caught up with the new size.
            browser.call(
                "Runtime.evaluate",
                {
                    "expression": "new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(1))))",
                    "awaitPromise": True,
                },
                session=session,
            )
            charts = browser.call(
                "Runtime.evaluate", {"expression": CHARTS_JS, "returnByValue": True}, session=session
            )["result"]["value"]
            shot = browser.call(
                "Page.captureScreenshot",
                {"format": "png", "captureBeyondViewport": False, "fromSurface": True},
                session=session,
            )
            png = base64.b64decode(shot["data"])
            # Anything logged late (after load) is still in the queue: drain it.
            browser.call("Runtime.evaluate", {"expression": "1"}, session=session)
        except (TimeoutError, ConnectionError, RuntimeError) as e:
            print(f"error: {e}", file=sys.stderr)
            browser.close()
            return 2
        events = list(browser.events)
        browser.close()

    with open(screenshot, "wb") as f:
        f.write(png)
    print(f"screenshot: {screenshot} ({width}x{height} CSS px, {len(png):,} bytes)")

    # Console errors, exceptions and error log entries.
    console = [e for e in events if e.get("method") == "Runtime.consoleAPICalled"]
    errors = []
    for e in console:
        p = e["params"]
        if p.get("type") in ("error", "assert"):
            text = " ".join(str(a.get("value", a.get("description", ""))) for a in p.get("args", []))
            errors.append(f"console.{p['type']}: {text}")
    for e in events:
        if e.get("method") == "Runtime.exceptionThrown":
            d = e["params"]["exceptionDetails"]
            errors.append(f"exception: {d.get('exception', {}).get('description') or d.get('text')}")
        elif e.get("method") == "Log.entryAdded" and e["params"]["entry"].get("level") == "error":
            entry = e["params"]["entry"]
            errors.append(f"log ({entry.get('source')}): {entry.get('text')} {entry.get('url', '')}".rstrip())
    print(f"console: {len(console)} console messages, {len(errors)} errors")
    for err in errors:
        print(f"  {err}")
    failures += errors

    # Requests: only the page itself.
    requests = [e["params"]["request"]["url"] for e in events if e.get("method") == "Network.requestWillBeSent"]
    foreign = [u for u in requests if u != url and not u.startswith(("data:", "about:"))]
    print(f"network: {len(requests)} requests, {len(foreign)} to anything but the page")
    for u in foreign:
        print(f"  {u}")
        failures.append(f"request for {u}")

    # Charts: pixels inside each <svg>'s box.
    img_width, img_height, channels, rows = decode_png(png)
    if (img_width, img_height) != (width, height):
        print(f"note: screenshot is {img_width}x{img_height}, page {width}x{height}")
    print(f"charts: {len(charts)} <svg> elements")
    if not charts:
        failures.append("no <svg> chart on the page")
    for c in charts:
        name = f"svg {c['index']} \"{c['title'] or c['label'][:60]}\""
        x0, y0 = max(0, int(c["x"])), max(0, int(c["y"]))
        x1, y1 = min(img_width, int(c["x"] + c["width"])), min(img_height, int(c["y"] + c["height"]))
        if c["role"] != "img" or not c["label"] or not c["title"]:
            failures.append(f"{name}: role=img, aria-label and <title> expected")
        if x1 - x0 < 1 or y1 - y0 < 1:
            print(f"  {name}: empty box {c['width']:.0f}x{c['height']:.0f} at {c['x']:.0f},{c['y']:.0f}  FAIL")
            failures.append(f"{name}: empty or off-page box")
            continue
        background = parse_colour(c["background"])[:3]
        fills = [parse_colour(f)[:3] for f in c["fills"]]
        other = coloured = 0
        for y in range(y0, y1):
            row = rows[y]
            for x in range(x0, x1):
                p = row[x * channels : x * channels + 3]
                if not near(p, background, 8):
                    other += 1
                    if fills and any(near(p, f) for f in fills):
                        coloured += 1
        ok = other > 0 and (coloured > 0 or not fills)
        print(
            f"  {name}: box {x1 - x0}x{y1 - y0} at {x0},{y0}; {other:,} non-background px, "
            f"{coloured:,} px of its {len(fills)} bar colours  {'OK' if ok else 'FAIL'}"
        )
        if other == 0:
            failures.append(f"{name}: blank in the screenshot")
        elif fills and coloured == 0:
            failures.append(f"{name}: none of its bar colours in the screenshot")

    if failures:
        print(f"FAILED: {len(failures)} problem(s)")
        for f in failures:
            print(f"  - {f}")
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
