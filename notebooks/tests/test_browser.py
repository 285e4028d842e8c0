"""The report as a reader meets it: the landing page (report/index.html, with two notebooks' pages
beside it) and a comparison page (compare.html) opened in headless Chromium (Debian's `chromium`).
Fails on a link or image that points at a missing file, an anchor without its target, an image
the browser could not decode, a page that rendered blank, or a code cell left in the HTML.
Skipped, with the reason printed, when chromium or Jupyter is absent."""
import html.parser
import os
import shutil
import subprocess
import sys
import tempfile
import unittest
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
NOTEBOOKS = os.path.dirname(HERE)
sys.path[:0] = [NOTEBOOKS, HERE]
from contextlab import report  # noqa: E402
import synthetic  # noqa: E402
from test_compare import edit, scale  # noqa: E402

PYTHON = "/usr/bin/python3"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SHOTS_ENV = "CONTEXTLAB_SCREENSHOTS"   # a directory to keep the screenshots in, for a person to look at
# Added to a copy of the page: after load, the body lists the images the browser could not show.
PROBE = ("<script>window.addEventListener('load', () => document.body.setAttribute('data-broken-images', "
         "[...document.images].filter(i => !i.complete || i.naturalWidth === 0).map(i => i.getAttribute('src'))"
         ".join(' ') || 'none'));</script>")


class Links(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.refs, self.ids, self.classes = [], set(), []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for key in ("href", "src"):
            if a.get(key):
                self.refs.append((tag, a[key]))
        if a.get("id"):
            self.ids.add(a["id"])
        if a.get("class"):
            self.classes += a["class"].split()


def problems(page):
    """What a reader would stumble on in the static HTML: local href/src to a missing file, an
    anchor without target. Web links (http:, https:, mailto:) and inline images (data:) are not followed."""
    with open(page, encoding="utf-8") as f:
        parser = Links()
        parser.feed(f.read())
    out = []
    for tag, ref in parser.refs:
        url = urllib.parse.urlparse(ref)
        if url.scheme in ("http", "https", "mailto", "data"):
            continue
        if not url.path:
            if url.fragment and url.fragment not in parser.ids:
                out.append(f"{os.path.basename(page)}: <{tag}> {ref}: no element with that id")
            continue
        target = os.path.join(os.path.dirname(page), urllib.parse.unquote(url.path))
        if not os.path.exists(target):
            out.append(f"{os.path.basename(page)}: <{tag}> {ref}: {os.path.relpath(target, os.path.dirname(page))} missing")
    return out, parser


def chromium(*args, timeout=120):
    return subprocess.run([CHROMIUM, "--headless", "--disable-gpu", "--no-sandbox", "--hide-scrollbars",
                           "--no-first-run", "--disable-dev-shm-usage", *args],
                          capture_output=True, text=True, timeout=timeout)


def rendered(test, page, name):
    """Opens the page in Chromium: a screenshot that is not blank, and every <img> decoded."""
    import matplotlib.image
    shots = os.environ.get(SHOTS_ENV) or os.path.dirname(page)
    os.makedirs(shots, exist_ok=True)
    shot = os.path.join(shots, name + ".png")
    done = chromium(f"--screenshot={shot}", "--window-size=1280,2000", "file://" + page)
    test.assertTrue(os.path.exists(shot), f"chromium wrote no screenshot of {page}: {done.stderr[-800:]}")
    pixels = matplotlib.image.imread(shot)
    test.assertGreater(float(pixels[..., :3].std()), 0.01, f"{name}: the page rendered blank")
    probe = os.path.join(os.path.dirname(page), "." + os.path.basename(page) + ".probe.html")
    with open(page, encoding="utf-8") as f:
        text = f.read()
    with open(probe, "w", encoding="utf-8") as f:
        f.write(text.replace("</body>", PROBE + "</body>"))
    try:
        dom = chromium("--virtual-time-budget=10000", "--dump-dom", "file://" + probe).stdout
    finally:
        os.remove(probe)
    test.assertIn('data-broken-images="none"', dom,
                  f"{name}: images the browser could not show: "
                  + (dom.split('data-broken-images="', 1)[1].split('"', 1)[0] if "data-broken-images" in dom else "(page did not load)"))
    return shot


@unittest.skipUnless(CHROMIUM, "chromium is not installed (apt-get install chromium): the pages are not opened in a browser")
class CheckerTest(unittest.TestCase):
    def test_a_missing_image_and_a_broken_link_are_found(self):
        with tempfile.TemporaryDirectory() as tmp:
            page = os.path.join(tmp, "p.html")
            with open(page, "w") as f:
                f.write('<html><body><h1>x</h1><a href="gone.html">a</a><a href="#nowhere">b</a>'
                        '<img src="gone.png"></body></html>')
            found, _ = problems(page)
            self.assertEqual(len(found), 3, found)
            with self.assertRaises(AssertionError):
                rendered(self, page, "broken")


@unittest.skipUnless(CHROMIUM, "chromium is not installed (apt-get install chromium): the pages are not opened in a browser")
@unittest.skipUnless(os.access(report.JUPYTER, os.X_OK), f"{report.JUPYTER} missing: apt-get install jupyter-nbconvert")
class BrowserTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.a = synthetic.make_run(cls.tmp.name, name="20260101T000000Z-a", measured=("syscalls", "switches", "epoll"))
        cls.b = synthetic.make_run(cls.tmp.name, name="20260102T000000Z-b", measured=("syscalls", "switches", "epoll"),
                                   host="other")
        edit(cls.b, results=lambda d: scale(d, 2.0, lambda b: "SyscallLoops" in b))

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def contextlab(self, *args):
        done = subprocess.run([PYTHON, "-m", "contextlab", *args], cwd=NOTEBOOKS, capture_output=True, text=True)
        self.assertEqual(done.returncode, 0, done.stdout + done.stderr)
        return done

    def test_the_landing_page(self):
        out = os.path.join(self.tmp.name, "report")
        done = self.contextlab("report", self.a, "--out", out, "--only", "01-switches,02-syscalls")
        index = os.path.join(out, "index.html")
        self.assertIn(index, done.stdout)
        for page in (index, os.path.join(out, "01-switches.html"), os.path.join(out, "02-syscalls.html")):
            found, parsed = problems(page)
            self.assertEqual(found, [])
            # a code cell's source is an editor block (markdown cells stay, in their own input area)
            self.assertFalse({"jp-CodeMirrorEditor", "CodeMirror", "highlight", "input_area"} & set(parsed.classes),
                             f"{os.path.basename(page)} shows code cells")
        with open(index) as f:
            text = f.read()
        # report writes claims.json first, so the landing page shows the claims table
        self.assertTrue("call-2ns" in text or "claims not computed" in text)
        for said in ("Synthetic CPU", "no context metrics in this run",
                     'href="01-switches.html"', 'href="02-syscalls.html"', "index-ladder.png"):
            self.assertIn(said, text)
        rendered(self, index, "landing")

    def test_a_comparison_page(self):
        out = os.path.join(self.tmp.name, "compare")
        self.contextlab("compare", self.a, self.b, "--out", out)
        page = os.path.join(out, "compare.html")
        found, _ = problems(page)
        self.assertEqual(found, [])
        rendered(self, page, "compare")


if __name__ == "__main__":
    unittest.main()
