#!/usr/bin/env python3
"""Checks a running `axlicense serve` page in headless Chromium (Debian's `chromium`), driven over the DevTools
protocol with the standard library only:

  Scripts/check-serve-page.py URL SHOTS_DIR [--expect MODEL=QTY]...

- the License View: grid, legend, both notifications with their "See licenses" links;
- no horizontal overflow of the page at 390 px and at 1400 px (screenshots of both in SHOTS_DIR);
- tabs: following each tab link shows that tab;
- Refresh licenses: the button posts, the page comes back with the notice, and with --expect the grid shows the
  new License Qty of MODEL (the caller changed the purchased licenses behind the server first);
- accessibility basics: every control has a name (label or text), Tab reaches the tabs and buttons with a visible
  focus outline, and text contrast is at least 4.5:1 (3:1 for large text).
Exit 0 when every check passed; 1 with the failures otherwise.
"""
import base64, json, os, shutil, socket, struct, subprocess, sys, tempfile, time, urllib.request


class DevTools:
    """A minimal WebSocket client (RFC 6455, text frames) speaking the DevTools protocol to one page."""

    def __init__(self, ws_url):
        rest = ws_url[len("ws://"):]
        hostport, path = rest.split("/", 1)
        host, port = hostport.split(":")
        self.sock = socket.create_connection((host, int(port)), timeout=30)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET /{path} HTTP/1.1\r\nHost: {hostport}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                           f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
        response = b""
        while b"\r\n\r\n" not in response:
            response += self.sock.recv(1)
        if b" 101 " not in response.split(b"\r\n")[0]:
            raise RuntimeError("DevTools refused the WebSocket: " + response.decode(errors="replace"))
        self.next_id = 0
        self.events = []

    def _recv_exact(self, n):
        data = b""
        while len(data) < n:
            chunk = self.sock.recv(n - len(data))
            if not chunk:
                raise RuntimeError("DevTools closed the connection")
            data += chunk
        return data

    def _recv_message(self):
        message = b""
        while True:
            head = self._recv_exact(2)
            fin, opcode, length = head[0] & 0x80, head[0] & 0x0F, head[1] & 0x7F
            if length == 126:
                length = struct.unpack(">H", self._recv_exact(2))[0]
            elif length == 127:
                length = struct.unpack(">Q", self._recv_exact(8))[0]
            payload = self._recv_exact(length)
            if opcode == 9:  # ping
                self._send_frame(10, payload)
                continue
            message += payload
            if fin:
                return json.loads(message)

    def _send_frame(self, opcode, payload):
        mask = os.urandom(4)
        header = bytes([0x80 | opcode])
        n = len(payload)
        header += bytes([0x80 | n]) if n < 126 else bytes([0x80 | 126]) + struct.pack(">H", n) if n < 65536 else bytes([0x80 | 127]) + struct.pack(">Q", n)
        self.sock.sendall(header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))

    def call(self, method, **params):
        self.next_id += 1
        self._send_frame(1, json.dumps({"id": self.next_id, "method": method, "params": params}).encode())
        while True:
            message = self._recv_message()
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            self.events.append(message)

    def wait_event(self, name, timeout=20):
        deadline = time.time() + timeout
        while time.time() < deadline:
            for index, event in enumerate(self.events):
                if event.get("method") == name:
                    del self.events[index]
                    return event
            self.events.append(self._recv_message())
        raise RuntimeError(f"no {name} within {timeout} s")

    def evaluate(self, expression):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"script failed: {result['exceptionDetails'].get('text')} in {expression[:80]}")
        return result["result"].get("value")

    def load(self, action):
        """Runs `action` (a navigation or a click) and waits for the page it leads to."""
        self.events.clear()
        action()
        self.wait_event("Page.loadEventFired")


PAGE_FACTS = r"""(() => {
  const text = (el) => (el.getAttribute('aria-label') || el.textContent || '').trim();
  const controls = [...document.querySelectorAll('button, input:not([type=hidden]), a[href]')];
  const unnamed = controls.filter(el => el.tagName === 'INPUT' ? !(el.labels && el.labels.length && el.labels[0].textContent.trim()) : !text(el))
    .map(el => el.outerHTML.slice(0, 80));
  const luminance = (rgb) => { const c = rgb.map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]; };
  const parse = (s) => (s.match(/[\d.]+/g) || []).map(Number);
  const background = (el) => { for (; el; el = el.parentElement) { const c = parse(getComputedStyle(el).backgroundColor);
    if (c.length === 3 || (c.length === 4 && c[3] > 0.5)) return c.slice(0, 3); } return [255, 255, 255]; };
  const lowContrast = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node; (node = walker.nextNode());) {
    const el = node.parentElement;
    if (!node.textContent.trim() || !el || el.closest('.visually-hidden') || !el.getClientRects().length) continue;
    const style = getComputedStyle(el), fg = parse(style.color).slice(0, 3), bg = background(el);
    const [a, b] = [luminance(fg), luminance(bg)].sort((x, y) => y - x), ratio = (a + 0.05) / (b + 0.05);
    const large = parseFloat(style.fontSize) >= 24 || (parseFloat(style.fontSize) >= 18.66 && Number(style.fontWeight) >= 700);
    if (ratio < (large ? 3 : 4.5)) lowContrast.push(node.textContent.trim().slice(0, 40) + ' ' + ratio.toFixed(2));
  }
  return {
    scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth,
    tab: (document.querySelector('main section[id]') || {}).id || null,
    rows: document.querySelectorAll('tr[data-model]').length,
    legend: !!document.querySelector('ul.legend'),
    notifications: [...document.querySelectorAll('[data-notification]')].map(n => [n.dataset.notification, !!n.querySelector('a[href="/?tab=license-view"]')]),
    notice: (document.querySelector('[data-notice]') || {}).textContent || null,
    quantities: Object.fromEntries([...document.querySelectorAll('tr[data-model]')].map(r => [r.dataset.model, r.querySelector('[data-key=quantity]').textContent])),
    unnamed, lowContrast,
  };
})()"""


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    url, shots = sys.argv[1].rstrip("/"), sys.argv[2]
    expects = dict(arg.split("=", 1) for arg in sys.argv[4::2]) if "--expect" in sys.argv else {}
    os.makedirs(shots, exist_ok=True)
    browser = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if not browser:
        sys.exit("check-serve-page: no chromium on PATH (apt-get install chromium)")
    profile = tempfile.mkdtemp()
    chrome = subprocess.Popen([browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
                               f"--user-data-dir={profile}", "--remote-debugging-port=0", "about:blank"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    failures = []
    try:
        port_file = os.path.join(profile, "DevToolsActivePort")
        deadline = time.time() + 30
        while not (os.path.exists(port_file) and open(port_file).read().count("\n") >= 1):
            if time.time() > deadline:
                sys.exit("check-serve-page: Chromium did not start its DevTools endpoint within 30 s")
            time.sleep(0.1)
        port = open(port_file).read().split("\n")[0]
        request = urllib.request.Request(f"http://127.0.0.1:{port}/json/new?about:blank", method="PUT")
        target = json.load(urllib.request.urlopen(request, timeout=30))
        tools = DevTools(target["webSocketDebuggerUrl"])
        tools.call("Page.enable")
        tools.call("Runtime.enable")

        def facts():
            return tools.evaluate(PAGE_FACTS)

        # Both widths: no horizontal overflow; a screenshot of each.
        for width, mobile in ((1400, False), (390, True)):
            tools.call("Emulation.setDeviceMetricsOverride", width=width, height=900, deviceScaleFactor=1, mobile=mobile)
            tools.load(lambda: tools.call("Page.navigate", url=url + "/"))
            page = facts()
            if page["scrollWidth"] > page["innerWidth"]:
                failures.append(f"{width} px: the page is {page['scrollWidth']} px wide (overflows horizontally)")
            shot = tools.call("Page.captureScreenshot", format="png", captureBeyondViewport=True)
            with open(os.path.join(shots, f"license-view-{width}.png"), "wb") as out:
                out.write(base64.b64decode(shot["data"]))
            for name, link in (("expired", True), ("over-quantity", True)):
                if [name, link] not in page["notifications"]:
                    failures.append(f"{width} px: notification {name} with its See licenses link missing ({page['notifications']})")
            if page["rows"] == 0 or not page["legend"]:
                failures.append(f"{width} px: the License View grid or its legend is missing")
            if page["unnamed"]:
                failures.append(f"controls without a name: {page['unnamed']}")
            if page["lowContrast"]:
                failures.append(f"{width} px: text below the contrast minimum: {page['lowContrast'][:5]}")

        # Tabs: each link shows its tab.
        for tab in ("configuration", "audit-log", "license-view"):
            tools.load(lambda: tools.evaluate(f"document.getElementById('tab-{tab}').click()"))
            page = facts()
            if page["tab"] != tab:
                failures.append(f"the {tab} tab link showed {page['tab']}")
            if page["scrollWidth"] > page["innerWidth"]:
                failures.append(f"390 px, {tab} tab: the page overflows horizontally ({page['scrollWidth']} px)")
            shot = tools.call("Page.captureScreenshot", format="png", captureBeyondViewport=True)
            with open(os.path.join(shots, f"{tab}-390.png"), "wb") as out:
                out.write(base64.b64decode(shot["data"]))

        # Keyboard: Tab moves through the controls, and the focused one has a visible outline.
        tools.call("Emulation.setDeviceMetricsOverride", width=1400, height=900, deviceScaleFactor=1, mobile=False)
        tools.load(lambda: tools.call("Page.navigate", url=url + "/"))
        reached = []
        for _ in range(12):
            for kind in ("keyDown", "keyUp"):
                tools.call("Input.dispatchKeyEvent", type=kind, key="Tab", code="Tab", windowsVirtualKeyCode=9)
            reached.append(tools.evaluate("(() => { const e = document.activeElement, s = getComputedStyle(e);"
                                          " return [e.tagName, (e.textContent || '').trim().slice(0, 30), s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2]; })()"))
        names = [text for _, text, _ in reached]
        for wanted in ("Configuration", "Audit Log", "Refresh licenses", "Send telemetry"):
            if wanted not in names:
                failures.append(f"keyboard: Tab never reached {wanted} ({names})")
        if any(tag in ("A", "BUTTON") and not outline for tag, _, outline in reached):
            failures.append(f"keyboard: a focused control has no visible outline ({reached})")

        # Refresh licenses: posts, comes back with the notice and (with --expect) the new quantities.
        tools.load(lambda: tools.evaluate("[...document.querySelectorAll('button')].find(b => b.textContent === 'Refresh licenses').click()"))
        page = facts()
        if not page["notice"]:
            failures.append("Refresh licenses: no notice on the page it led to")
        for model, quantity in expects.items():
            if page["quantities"].get(model) != quantity:
                failures.append(f"Refresh licenses: {model} shows License Qty {page['quantities'].get(model)}, expected {quantity}")
    finally:
        chrome.terminate()
        try:
            chrome.wait(timeout=10)
        except subprocess.TimeoutExpired:
            chrome.kill()
        shutil.rmtree(profile, ignore_errors=True)
    if failures:
        sys.exit("check-serve-page: " + "\n  ".join(failures))
    print(f"serve page: 390 and 1400 px without overflow, tabs, notifications, keyboard, contrast, Refresh licenses: ok ({shots})")


if __name__ == "__main__":
    main()
