"""The decks' citations: read ``references.bib``, find "(Covington et al., 2016)" in a deck's text, and write
the deck's last slide, "References", from the entries it cites.

    .venv/bin/python slides/citations.py           # rewrite every deck's references slide from its citations
    .venv/bin/python slides/citations.py --check   # exit 1 if a references slide is stale

A citation is the label of a .bib entry: "Surname, 2020" for one author, "Surname & Surname, 2020" for two,
"Surname et al., 2020" for more; several go in one bracket, separated by "; ". The slide is written into the
deck's source, so it reads the same on a code-hosting page; ``render.py`` rebuilds it on every build, so the
HTML never shows a stale one. A small reader of our own .bib (no BibTeX package is a dependency here).
"""

import html
import pathlib
import re
import sys
import unicodedata

HERE = pathlib.Path(__file__).resolve().parent
BIB = HERE / "references.bib"
HEADING = "## References"
MARKER = "+++ {\"slideshow\": {\"slide_type\": \"slide\"}}"
ACCENTS = {"'": "\u0301", "`": "\u0300", '"': "\u0308", "^": "\u0302", "~": "\u0303", "c": "\u0327"}
CITATION = re.compile(r"\(((?:[A-Z][^()]*?, \d{4}[a-z]?)(?:; [A-Z][^()]*?, \d{4}[a-z]?)*)\)")


def _latex_to_text(value):
    """The little LaTeX a .bib holds, as Unicode: accents, \\&, $\\lambda$, protective braces."""
    for latex, text in (("``", "“"), ("''", "”"), ("{\\'\\i}", "í"), ("\\&", "&"), ("$\\lambda$", "λ")):
        value = value.replace(latex, text)
    value = re.sub(r"\{?\\([`'\"^~c])\{?(\w)\}?\}?",
                   lambda m: (m.group(2) + ACCENTS[m.group(1)]), value)
    return unicodedata.normalize("NFC", value.replace("{", "").replace("}", "")).strip()


def _fields(body):
    """``name = {value}`` pairs of one entry, with nested braces."""
    fields, i = {}, 0
    while True:
        match = re.compile(r"\s*,?\s*(\w+)\s*=\s*\{").match(body, i)
        if not match:
            return fields
        depth, j = 1, match.end()
        while depth:
            depth += {"{": 1, "}": -1}.get(body[j], 0)
            j += 1
        fields[match.group(1).lower()] = _latex_to_text(re.sub(r"\s+", " ", body[match.end():j - 1]))
        i = j


def read_bib(path=BIB):
    """{key: {"type": ..., fields...}} of every entry in the .bib."""
    text = path.read_text(encoding="utf-8")
    entries = {}
    for match in re.finditer(r"^@(\w+)\{([\w-]+),", text, flags=re.MULTILINE):
        end = text.find("\n}", match.end())
        entry = _fields(text[match.end():end])
        entry["type"] = match.group(1).lower()
        if match.group(2) in entries:
            raise ValueError(f"{path.name}: {match.group(2)} twice")
        entries[match.group(2)] = entry
    return entries


def people(entry):
    """[(surname, given names)] of the authors, or else the editors; "others" stays as it is."""
    names = entry.get("author") or entry.get("editor", "")
    result = []
    for name in re.split(r"\s+and\s+", names):
        surname, _, given = name.partition(",")
        result.append((surname.strip(), given.strip()))
    return result


def label(entry):
    """How a deck cites the entry: "Holm, 1979", "Hu & Koren, 2008" or "Covington et al., 2016"."""
    names = [surname for surname, _ in people(entry)]
    if len(names) == 1:
        who = names[0]
    elif len(names) == 2 and names[1] != "others":
        who = f"{names[0]} & {names[1]}"
    else:
        who = f"{names[0]} et al."
    return f"{who}, {entry['year']}"


def labels(entries):
    """{label: key}; two entries with one label would make a citation ambiguous."""
    found = {}
    for key, entry in entries.items():
        if label(entry) in found:
            raise ValueError(f"{key} and {found[label(entry)]} share the label {label(entry)!r}")
        found[label(entry)] = key
    return found


def cited(text):
    """The labels cited in ``text``, in order of first use, each once."""
    seen = []
    for group in CITATION.findall(text):
        for one in group.split("; "):
            if one not in seen:
                seen.append(one)
    return seen


def _initials(given):
    return " ".join(part[0] + "." for part in re.split(r"[\s]+", given) if part)


def _authors(entry):
    names = [(s, g) for s, g in people(entry) if s != "others"]
    shown = [f"{_initials(g)} {s}".strip() for s, g in names[:4]]
    more = len(names) > 4 or any(s == "others" for s, _ in people(entry))
    text = ", ".join(shown) + (" et al." if more else "")
    return text + (" (eds.)" if "editor" in entry and "author" not in entry else "")


def _venue(entry):
    venue = entry.get("journal") or entry.get("booktitle") or entry.get("howpublished") or ""
    venue = re.sub(r"^Proceedings of (the )?", "", venue) if "booktitle" in entry else venue
    details = []
    if entry.get("volume"):
        number = f"({entry['number']})".replace("--", "–") if entry.get("number") else ""
        details.append(entry["volume"] + number)
    if entry.get("pages"):
        details.append(entry["pages"].replace("--", "–"))
    if entry.get("edition"):
        details.append(f"{entry['edition']} edition")
    if entry.get("publisher"):
        details.append(entry["publisher"])
    return ", ".join(filter(None, [venue, *details]))


def formatted(entry):
    """One entry as an HTML list item's content: authors (year). Title. <i>Venue</i>."""
    title = entry["title"].rstrip(".")
    authors, venue = html.escape(_authors(entry), quote=False), html.escape(_venue(entry), quote=False)
    return f"{authors} ({entry['year']}). {html.escape(title, quote=False)}. <i>{venue}</i>."


def references_cell(text, entries=None):
    """The Markdown of a deck's references slide: the entries ``text`` cites, in order of their labels."""
    entries = read_bib() if entries is None else entries
    by_label = labels(entries)
    unknown = [one for one in cited(text) if one not in by_label]
    if unknown:
        raise KeyError(f"cited but not in {BIB.name}: {', '.join(unknown)}")
    keys = sorted({by_label[one] for one in cited(text)}, key=lambda k: label(entries[k]).lower())
    items = "\n".join(f'<li data-key="{key}">{formatted(entries[key])}</li>' for key in keys)
    return f'{HEADING}\n\n<ol class="references">\n{items}\n</ol>'


def split_references(source):
    """(the deck's text before its references slide, the slide's cell) from a deck's .md source."""
    at = source.rfind(f"{MARKER}\n\n{HEADING}")
    if at < 0:
        return source.rstrip("\n") + "\n", ""
    return source[:at], source[at + len(MARKER):].strip("\n")


def with_references(source, entries=None):
    """The deck's source with its references slide rebuilt from its citations, as its last slide."""
    body, _ = split_references(source)
    return f"{body.rstrip()}\n\n{MARKER}\n\n{references_cell(body, entries)}\n"


def main(argv=None):
    import render

    check = "--check" in (argv if argv is not None else sys.argv[1:])
    stale = []
    for deck in render.decks():
        source = deck.read_text(encoding="utf-8")
        fresh = with_references(source)
        if fresh != source:
            stale.append(deck.name)
            if not check:
                deck.write_text(fresh, encoding="utf-8")
    print(("stale: " if check else "rewrote: ") + (", ".join(stale) or "none"))
    return 1 if check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
