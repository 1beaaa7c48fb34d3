"""The lecture decks (slides/): sources of the promised size with speaker notes, built by `make slides`'s own
command into self-contained HTML, and rendered in headless Chromium with no console error, no missing asset
and no request to the network, every slide fitting its frame and the last one its references. Screenshots of
each deck's title, one content slide and the references are kept in slides/build/screenshots/ for a person
to look at. The references come from slides/references.bib; the figures are committed and redrawn here at
smoke size."""

import importlib.util
import pathlib
import re
import subprocess
import sys
import time

import jupytext
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
SLIDES = ROOT / "slides"
BUILD = SLIDES / "build"
SHOTS = BUILD / "screenshots"
TOPICS = ["00_production", "01_ab_testing", "02_popularity", "03_personalized", "04_contextual",
          "05_diversity", "06_scale", "07_interleaving"]


def _load(name):
    """A module of slides/ (a folder of scripts, not a package)."""
    spec = importlib.util.spec_from_file_location(f"slides_{name}", SLIDES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


render = _load("render")
chromium = _load("chromium")
citations = _load("citations")
figures = _load("figures")
BIB = citations.read_bib()
DECKS = render.decks()
NAMES = [path.stem for path in DECKS]
IMAGE = re.compile(r"!\[[^\]]*\]\(([^)\s]+)\)")
FIGURE_NAMES = set(re.findall(r'"(\w+)": \w+', (SLIDES / "figures.py").read_text().split("DRAWINGS = {", 1)[1]
                              .split("}", 1)[0]))


def test_there_is_one_deck_per_topic():
    assert NAMES == TOPICS


@pytest.mark.parametrize("source", DECKS, ids=NAMES)
def test_deck_has_15_to_30_slides_most_with_notes(source):
    notebook = jupytext.read(source)
    kinds = [cell.metadata.get("slideshow", {}).get("slide_type") for cell in notebook.cells]
    slides = render.slide_count(notebook)
    assert 15 <= slides <= 30, f"{source.name}: {slides} slides"
    assert kinds[0] == "slide" and notebook.cells[0].source.startswith("# "), (
        "a deck opens with its title slide")
    assert all(cell.cell_type == "markdown" for cell in notebook.cells)
    with_notes = sum(kind == "slide" and after == "notes" for kind, after in zip(kinds, kinds[1:] + [None]))
    assert with_notes >= 0.8 * slides, f"{source.name}: notes on only {with_notes} of {slides} slides"


@pytest.mark.parametrize("source", DECKS, ids=NAMES)
def test_deck_uses_only_the_course_figures_and_no_web_address(source):
    text = source.read_text(encoding="utf-8")
    images = IMAGE.findall(text)
    assert all(path.startswith("figures/") and path[len("figures/"):-len(".png")] in FIGURE_NAMES
               for path in images), images
    assert not re.search(r"https?://(?!127\.0\.0\.1|localhost)", text), (
        "a deck links nothing beyond the loopback")


def test_every_bib_entry_is_complete_and_has_its_own_label():
    for key, entry in BIB.items():
        assert entry.get("title") and re.fullmatch(r"1[89]\d\d|20[0-2]\d", entry.get("year", "")), key
        assert entry.get("author") or entry.get("editor"), key
        assert any(entry.get(f) for f in ("journal", "booktitle", "publisher", "howpublished")), key
    assert len(citations.labels(BIB)) == len(BIB)


@pytest.mark.parametrize("source", DECKS, ids=NAMES)
def test_deck_ends_with_its_references_cited_in_its_text(source):
    text = source.read_text(encoding="utf-8")
    body, slide = citations.split_references(text)
    assert slide.startswith(citations.HEADING), f"{source.name}: the last slide is not its references"
    assert text.rstrip().endswith(slide), f"{source.name}: the references slide is not the last"
    by_label = citations.labels(BIB)
    cited = citations.cited(body)
    unknown = [one for one in cited if one not in by_label]
    assert not unknown, f"{source.name} cites works not in references.bib: {unknown}"
    listed = re.findall(r'<li data-key="([\w-]+)">', slide)
    assert len(listed) >= 5, f"{source.name}: only {len(listed)} references"
    assert set(listed) == {by_label[one] for one in cited}, (
        f"{source.name}: listed but not cited {set(listed) - {by_label[c] for c in cited}}, "
        f"cited but not listed {({by_label[c] for c in cited}) - set(listed)}")
    assert citations.with_references(text) == text, (
        f"{source.name}: references slide is stale; run `.venv/bin/python slides/citations.py`")


COMMITTED = sorted(path.stem for path in (SLIDES / "figures").glob("*.png"))


def test_committed_figures_are_the_drawn_ones_each_used_by_a_deck():
    used = {name for deck in DECKS for name in IMAGE.findall(deck.read_text(encoding="utf-8"))}
    used = {path[len("figures/"):-len(".png")] for path in used}
    assert set(COMMITTED) == FIGURE_NAMES, "slides/figures/ must hold exactly the figures figures.py draws"
    assert used == FIGURE_NAMES, (f"drawn but used by no deck: {FIGURE_NAMES - used}; "
                                  f"used but not drawn: {used - FIGURE_NAMES}")
    too_big = {name: size for name in COMMITTED
               if (size := (SLIDES / "figures" / f"{name}.png").stat().st_size) > 160_000}
    assert not too_big, f"figures over 160 KB: {too_big}"


@pytest.mark.slow
def test_figures_redraw_at_smoke_size(tmp_path):
    """Every committed figure is still drawn by today's code (at a tenth of the simulated sizes)."""
    started = time.perf_counter()
    paths = figures.draw(folder=tmp_path, smoke=True)
    print(f"\nfigures drawn at smoke size in {time.perf_counter() - started:.1f} s")
    assert sorted(path.stem for path in paths) == COMMITTED
    for path in paths:
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size > 5_000, path.name


@pytest.fixture(scope="session")
def built():
    """Every deck built exactly as `make slides` builds it (figures drawn first if missing)."""
    started = time.perf_counter()
    result = subprocess.run([sys.executable, str(SLIDES / "render.py")], capture_output=True, text=True,
                            timeout=900)
    assert result.returncode == 0, result.stderr
    print(f"\nslides built in {time.perf_counter() - started:.1f} s")
    return {name: BUILD / f"{name}.html" for name in NAMES}


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_built_deck_is_one_self_contained_file(built, name):
    html = built[name].read_text(encoding="utf-8")
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", html), "an asset loaded from the web"
    assert not re.search(r"""url\(\s*["']?(?!data:)""", html), "a stylesheet pointing outside the file"
    assert "@import" not in html
    sources = re.findall(r"""<(?:img|script)[^>]*\ssrc\s*=\s*["']([^"']+)""", html)
    assert sources and all(source.startswith("data:") for source in sources), [s[:40] for s in sources]
    assert html.count('<aside class="notes">') >= 12, "speaker notes missing from the HTML"


@pytest.mark.slow
def test_index_lists_every_deck(built):
    index = (BUILD / "index.html").read_text(encoding="utf-8")
    assert all(f'href="{name}.html"' in index for name in NAMES)


@pytest.fixture(scope="session")
def browser():
    executable = chromium.find_executable()
    if executable is None:
        pytest.skip("no Chromium on PATH and no $CHROMIUM: `make setup-browser` installs Debian's chromium "
                    "(as root with apt); the decks were still built and checked as files")
    with chromium.Chromium(executable) as running:
        yield running


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.parametrize("name", NAMES)
def test_deck_renders_in_chromium_without_errors(built, browser, name):
    page = browser.open(built[name].resolve().as_uri())
    try:
        page.wait_until("typeof Reveal !== 'undefined' && Reveal.isReady()")
        expected = render.slide_count(jupytext.read(SLIDES / f"{name}.md"))
        assert page.evaluate("Reveal.getTotalSlides()") == expected
        assert page.evaluate("document.fonts.check('30px \"Source Sans Pro\"')"), (
            "the embedded font did not load")
        broken = page.evaluate("Array.from(document.images)"
                               ".filter(i => !(i.complete && i.naturalWidth > 0)).length")
        assert broken == 0, f"{broken} images did not load"
        page.evaluate("Reveal.configure({transition: 'none'}); true")
        last = expected - 1
        for kind, index in (("title", 0), ("content", _content_slide(page)), ("references", last)):
            _show(page, index)
            page.screenshot(SHOTS / f"{name}-{kind}.png")
        for index in range(expected):  # every slide shows text that fits, not only the three screenshots
            _show(page, index)
        heading = page.evaluate(f"Reveal.getHorizontalSlides()[{last}].querySelector('h2').innerText")
        assert heading.strip() == "References", f"the last slide is {heading!r}"
        assert page.evaluate(f"Reveal.getHorizontalSlides()[{last}]"
                             ".querySelectorAll('ol.references li').length") >= 5
        assert page.problems() == []
    finally:
        page.close()


def _content_slide(page):
    """The first slide with a figure, or else the second slide."""
    found = page.evaluate("Reveal.getHorizontalSlides().findIndex(s => s.querySelector('img'))")
    return found if found > 0 else 1


def _show(page, index):
    """Go to slide ``index`` and check it shows text that fits in the slide."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.evaluate(f"Reveal.slide({index}); true")
    page.wait_until(f"Reveal.getIndices().h === {index}"
                    " && Reveal.getCurrentSlide().classList.contains('present')")
    page.wait_until("Array.from(Reveal.getCurrentSlide().querySelectorAll('img')).every(i => i.complete)")
    slide = "Reveal.getCurrentSlide()"
    assert page.evaluate(f"{slide}.innerText.trim().length") > 10
    assert page.evaluate(f"{slide}.scrollHeight <= {slide}.clientHeight + 2"), f"slide {index} overflows"


@pytest.mark.slow
@pytest.mark.browser
def test_speaker_view_opens_from_disk_with_the_notes(built, browser):
    """Key S opens reveal.js's speaker view (current and next slide, notes, timer) with no network."""
    page = browser.open(built["01_ab_testing"].resolve().as_uri() + "#/2")
    try:
        page.wait_until("typeof Reveal !== 'undefined' && Reveal.isReady()")
        for kind in ("keyDown", "keyUp"):
            key = {"type": kind, "key": "s", "code": "KeyS", "windowsVirtualKeyCode": 83,
                   **({"text": "s"} if kind == "keyDown" else {})}
            browser.send("Input.dispatchKeyEvent", key, session=page.session)
        speaker = _wait_for_window(browser, "Speaker View")
        view = browser.attach(speaker)
        view.wait_until("(document.querySelector('.speaker-controls-notes .value') || {}).innerText"
                        " && document.querySelector('.speaker-controls-notes .value').innerText.length > 40")
        assert page.problems() == [] and view.problems() == []
        view.close()
    finally:
        page.close()


def _wait_for_window(browser, title, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for target in browser.send("Target.getTargets")["targetInfos"]:
            if target["type"] == "page" and title in target["title"]:
                return target["targetId"]
        time.sleep(0.1)
    raise AssertionError(f"no window titled {title!r} opened")
