"""Build every lecture deck into one self-contained HTML file under slides/build/.

    .venv/bin/python slides/render.py                 # all decks (what `make slides` runs)
    .venv/bin/python slides/render.py 01_ab_testing   # one deck

A deck is a notebook written as text (jupytext's MyST Markdown, ``NN_topic.md``):
Markdown cells with RISE's slide metadata, speaker notes in ``notes`` cells.
nbconvert's reveal exporter turns it into slides with the template in
``template/botify``; reveal.js 5 itself comes from the ``sphinx-revealjs`` wheel
(a pip package that ships reveal.js's files), and everything a deck needs
(reveal.js, the notes plugin, the theme, its fonts, the figures) is inlined, so
the file opens from disk with no network.
"""

import argparse
import base64
import html
import pathlib
import re
import time

import jupytext
from nbconvert.exporters import SlidesExporter

HERE = pathlib.Path(__file__).resolve().parent
BUILD = HERE / "build"
TEMPLATE = HERE / "template"
DECK_NAME = re.compile(r"^\d\d_[a-z_]+$")
FONTS = {("normal", "normal"): "regular", ("600", "normal"): "semibold", ("normal", "italic"): "italic"}


def decks():
    """The deck sources, in course order."""
    return sorted(path for path in HERE.glob("*.md") if DECK_NAME.match(path.stem))


def reveal_folder():
    """reveal.js's own files, as the sphinx-revealjs wheel ships them."""
    import sphinx_revealjs

    return pathlib.Path(sphinx_revealjs.__file__).parent / "_static" / "revealjs"


def reveal_assets():
    """reveal.js, its notes plugin, the white theme with its fonts inlined, and the course's own CSS."""
    reveal = reveal_folder()
    js = (reveal / "dist" / "reveal.js").read_text(encoding="utf-8")
    white = (reveal / "dist" / "theme" / "white.css").read_text(encoding="utf-8")
    theme = re.sub(r"@import url\([^)]*\);", "", white)
    css = "\n".join([
        _font_faces(reveal / "dist" / "theme" / "fonts" / "source-sans-pro"),
        (reveal / "dist" / "reveal.css").read_text(encoding="utf-8"),
        theme,
        (TEMPLATE / "botify" / "botify.css").read_text(encoding="utf-8"),
    ])
    return {
        "css": css,
        "reveal_js": _base64(js),
        "notes_js": _base64((reveal / "plugin" / "notes" / "notes.js").read_text(encoding="utf-8")),
        "reveal_version": re.search(r"reveal\.js (\d+\.\d+\.\d+)", js).group(1),
    }


def _font_faces(folder):
    """@font-face rules for Source Sans Pro with the WOFF files as data URIs."""
    rules = []
    for (weight, style), name in FONTS.items():
        data = _base64((folder / f"source-sans-pro-{name}.woff").read_bytes())
        rules.append(f"@font-face {{ font-family: 'Source Sans Pro'; "
                     f"font-weight: {weight}; font-style: {style}; "
                     f"src: url(data:font/woff;base64,{data}) format('woff'); }}")
    return "\n".join(rules)


def _base64(content):
    raw = content.encode("utf-8") if isinstance(content, str) else content
    return base64.b64encode(raw).decode("ascii")


def read_deck(source):
    """A deck as a notebook, its last slide ("References") rebuilt from the citations in its text."""
    import citations  # slides/citations.py, beside this file

    text = citations.with_references(source.read_text(encoding="utf-8"))
    return jupytext.reads(text, fmt="md:myst")


def title_of(notebook):
    """The deck's title: the first heading of its first cell."""
    match = re.search(r"^#\s+(.+)$", notebook.cells[0].source, flags=re.MULTILINE)
    return match.group(1).strip() if match else "Botify"


def slide_count(notebook):
    """Slides and subslides, as reveal.js counts them."""
    return sum(cell.metadata.get("slideshow", {}).get("slide_type") in ("slide", "subslide")
               for cell in notebook.cells)


def render_deck(source, notebook, out, assets):
    """One deck's HTML, written to ``out/<name>.html``; returns its path."""
    exporter = SlidesExporter(template_name="botify", extra_template_basedirs=[str(TEMPLATE)],
                              embed_images=True, exclude_input_prompt=True, exclude_output_prompt=True)
    resources = {"metadata": {"name": source.stem, "path": str(source.parent)},
                 "deck": {**assets, "title": title_of(notebook)}}
    body, _ = exporter.from_notebook_node(notebook, resources=resources)
    target = out / f"{source.stem}.html"
    target.write_text(body, encoding="utf-8")
    return target


def write_index(built, out):
    """slides/build/index.html: one link per deck, with its slide count."""
    rows = "\n".join(
        f'<li><a href="{path.name}">{html.escape(title)}</a> <span>{count} slides</span></li>'
        for path, title, count in built
    )
    page = INDEX.format(rows=rows)
    (out / "index.html").write_text(page, encoding="utf-8")


INDEX = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Botify lectures</title>
<style>body {{ font: 20px/1.5 sans-serif; max-width: 46em; margin: 3em auto; color: #222; }}
li {{ margin: .4em 0; }} span {{ color: #777; font-size: 80%; }}</style></head>
<body><h1>Botify: recommender systems in production, lectures</h1>
<p>Press <b>S</b> in a deck for the speaker view, <b>F</b> for full screen, <b>Esc</b> for the overview.</p>
<ol start="0">
{rows}
</ol></body></html>
"""


def build(names=None, out=BUILD):
    """Draw missing or stale figures, then render the decks; returns [(html path, title, slides)]."""
    import figures  # slides/figures.py: a script's own folder is on sys.path

    figures.ensure()
    out.mkdir(parents=True, exist_ok=True)
    assets = reveal_assets()
    sources = [path for path in decks() if not names or path.stem in names]
    built = []
    for source in sources:
        notebook = read_deck(source)
        built.append((render_deck(source, notebook, out, assets), title_of(notebook), slide_count(notebook)))
    if not names:
        write_index(built, out)
    return built


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("decks", nargs="*", help="deck names (NN_topic); default: every deck")
    parser.add_argument("--out", type=pathlib.Path, default=BUILD,
                        help="output folder (default slides/build)")
    args = parser.parse_args(argv)
    unknown = set(args.decks) - {path.stem for path in decks()}
    if unknown:
        known = ", ".join(p.stem for p in decks())
        parser.error(f"no such deck: {', '.join(sorted(unknown))} (decks: {known})")
    started = time.perf_counter()
    built = build(args.decks, args.out)
    for path, title, count in built:
        print(f"{path}  {count:2d} slides  {title}")
    print(f"built {len(built)} decks in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
