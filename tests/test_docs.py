"""The engineer's pages hold together: every link in the README and under docs/ leads
somewhere, the code cites those pages (or the law itself) rather than notes outside the
project, and the README's quick start and figures are ones a reader can run."""

import re
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
# Inline links and images, [text](target "title"), and reference definitions, [id]: target.
INLINE = re.compile(r"!?\[(?:[^\]\\]|\\.)*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
DEFINITION = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+.*)?$", re.MULTILINE)
FENCE = re.compile(r"^(```|~~~).*?^\1", re.MULTILINE | re.DOTALL)
CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+\1")
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)
# The notes beside the project that its files once cited: none of them ships with Patron.
# (The independent validator, ../shared/einvoice, may be named: tests use it when present.)
OUTSIDE = re.compile(
    r"shared/reference|tax-figures-2026|invoicing-rules|import-formats\.md"
    r"|security-reliability-performance|security notes|DESIGN\.md|STYLE\.md"
)
# "docs/facts/tax-figures.md §2.1", "docs/design.md §6 and §11", a heading "### 2.1 …".
CITATION = re.compile(r"(docs/[\w/-]+\.md)((?:,? §\d+(?:\.\d+)*| and §\d+(?:\.\d+)*)*)")
NUMBERED = re.compile(r"^#{1,6} (\d+(?:\.\d+)*)\.? ", re.MULTILINE)
BINARY = set(".mo .png .jpg .jpeg .gif .ico .pdf .woff .woff2 .ttf .otf .zip .gz .pyc".split())


def pages():
    return [README, *sorted((ROOT / "docs").rglob("*.md"))]


def prose(text):
    """The text of a page as read, without its code blocks and code spans."""
    return CODE_SPAN.sub("", FENCE.sub("", text))


def links(text):
    readable = prose(text)
    return INLINE.findall(readable) + DEFINITION.findall(readable)


def slug(heading):
    """The anchor GitHub gives a heading: its text, lower case, without punctuation, with
    a hyphen for each space."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link: its text
    text = re.sub(r"<[^>]+>", "", text).replace("`", "").replace("*", "")
    kept = "".join(c for c in text.lower() if c in " -_" or unicodedata.category(c)[0] in "LNM")
    return kept.replace(" ", "-")


def anchors(path):
    """Every anchor of a page, "-1", "-2"… added to repeated headings as GitHub does."""
    seen, found = {}, set()
    for heading in HEADING.findall(FENCE.sub("", path.read_text())):
        base = slug(heading)
        count = seen.get(base, 0)
        seen[base] = count + 1
        found.add(base if count == 0 else f"{base}-{count}")
    return found


def broken_links(path, text=None):
    """The links of a page (or of `text`, read as if it were that page) that lead nowhere."""
    broken = []
    for target in links(path.read_text() if text is None else text):
        if re.match(r"[a-z][a-z0-9+.-]*:", target, re.IGNORECASE):
            continue  # https:, mailto:…: outside the repository
        file, _hash, anchor = target.partition("#")
        found = (path.parent / file).resolve() if file else path
        where = f"{path.relative_to(ROOT)}: ({target})"
        if not found.is_relative_to(ROOT) or not found.exists():
            broken.append(f"{where} leads to no file")
        elif anchor and (found.suffix != ".md" or anchor not in anchors(found)):
            broken.append(f"{where} leads to no heading of {found.relative_to(ROOT)}")
    return broken


def section(text, title):
    """A `## title` section of a page, up to the next heading of its level."""
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", text, re.M | re.S)
    assert match, f"the README has no section {title!r}"
    return match[1]


def test_github_anchors_are_made_as_github_makes_them():
    assert slug("2.1 ECB main refinancing operations (MRO) rate") == (
        "21-ecb-main-refinancing-operations-mro-rate"
    )
    assert slug("The `patron` command") == "the-patron-command"
    assert slug("6. French micro-entrepreneur: contributions, CFP, versement libératoire") == (
        "6-french-micro-entrepreneur-contributions-cfp-versement-libératoire"
    )
    assert slug("Layers: what may import what") == "layers-what-may-import-what"


def test_a_link_to_a_missing_file_or_heading_is_found():
    # The check itself, on a text read as if it were a page of docs/facts/.
    page = ROOT / "docs" / "facts" / "README.md"
    text = (
        "[ok](tax-figures.md#21-ecb-main-refinancing-operations-mro-rate) "
        "[gone](no-such-page.md) [no heading](tax-figures.md#no-such-heading) "
        "[web](https://example.org/x.md) `[code](skipped.md)`\n"
        "[defined]: ../architecture.md#no-such-heading\n"
    )
    assert [found.split(": ", 1)[1] for found in broken_links(page, text)] == [
        "(no-such-page.md) leads to no file",
        "(tax-figures.md#no-such-heading) leads to no heading of docs/facts/tax-figures.md",
        "(../architecture.md#no-such-heading) leads to no heading of docs/architecture.md",
    ]


def test_every_relative_link_in_the_readme_and_docs_leads_to_a_file_and_its_heading():
    assert len(pages()) > 5 and any(links(page.read_text()) for page in pages())
    assert [broken for page in pages() for broken in broken_links(page)] == []


def project_lines():
    """(path, line number, line) of every text file of the project but this one: the code,
    the tests, the benchmarks, the pages and the build."""
    files = [README, ROOT / "Makefile", ROOT / "pyproject.toml"]
    for folder in ("patron", "tests", "bench", "docs"):
        files += sorted((ROOT / folder).rglob("*"))
    for path in files:
        if not path.is_file() or path.suffix in BINARY or path == Path(__file__):
            continue
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            yield path, number, line


def test_no_file_of_the_project_cites_a_note_kept_outside_it():
    # A comment points to docs/facts/PAGE.md §N or to the law; tests name the optional
    # validator's folder, ../shared/einvoice, and nothing else beside the project.
    citing = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path, number, line in project_lines()
        if OUTSIDE.search(line)
    ]
    assert citing == []


def test_every_citation_of_a_docs_page_names_a_page_and_a_section_it_has():
    # "docs/facts/tax-figures.md §2.1" in a comment: the page exists, with a heading "2.1 …".
    cited, wrong = 0, []
    for path, number, line in project_lines():
        for page, sections in CITATION.findall(line):
            cited += 1
            target = ROOT / page
            numbers = set(NUMBERED.findall(target.read_text())) if target.is_file() else set()
            for wanted in re.findall(r"§(\d+(?:\.\d+)*)", sections):
                if wanted not in numbers:
                    wrong.append(f"{path.relative_to(ROOT)}:{number}: {page} §{wanted}")
    assert cited > 10 and wrong == []


def test_the_readme_starts_patron_and_its_tests_with_one_command_each():
    blocks = re.findall(r"```sh\n(.*?)```", section(README.read_text(), "Quick start"), re.S)
    commands = [line.split("#")[0].strip() for line in "".join(blocks).splitlines()]
    assert [command for command in commands if command] == ["make run", "make test"]


def test_every_figure_of_the_readme_names_the_bench_command_that_reproduces_it():
    table = [
        [cell.strip() for cell in line.strip().strip("|").split("|")]
        for line in section(README.read_text(), "Performance").splitlines()
        if line.startswith("|")
    ]
    header, rows = table[0], table[2:]
    assert header[-1] == "reproduce" and rows
    unreproducible = []
    for row in rows:
        command = re.fullmatch(r"`(bench/[\w-]+\.py)((?: [A-Z]+| --[\w-]+)*)`", row[-1])
        script = ROOT / command[1] if command else None
        if not script or not script.is_file():
            unreproducible.append(row)
            continue
        source = script.read_text()
        if any(f'"{flag}"' not in source for flag in re.findall(r"--[\w-]+", command[2])):
            unreproducible.append(row)
    assert unreproducible == []
