"""feeds.body: blocks, safe HTML and the summary (ARTICLE_FORMAT.md section 8)."""

from __future__ import annotations

import itertools
import re
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from feeds.body import ends_closed, parse_blocks, render_body, render_html, summarize
from feeds.model import Block, BlockKind

P, H, UL, OL = BlockKind.PARAGRAPH, BlockKind.HEADING, BlockKind.BULLETS, BlockKind.NUMBERED
TEXT = "Stocks rose sharply on Monday as investors cheered the news."


def b(kind: BlockKind, *items: str) -> Block:
    return Block(kind=kind, items=items)


# --- parse_blocks ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        ([], []),
        ([TEXT], [b(P, TEXT)]),
        # subheadings
        (["Markets rally", TEXT], [b(H, "Markets rally"), b(P, TEXT)]),
        ([TEXT, "Markets rally"], [b(P, TEXT), b(P, "Markets rally")]),  # last line
        (["Markets rally"], [b(P, "Markets rally")]),
        (["Markets rally.", TEXT], [b(P, "Markets rally."), b(P, TEXT)]),
        *[
            ([f"Markets rally{c}", TEXT], [b(P, f"Markets rally{c}"), b(P, TEXT)])
            for c in ["!", "?", ":", ";", ",", "…", "。", '."', ".”", "?’", ".)"]
        ],
        (['"Markets rally"', TEXT], [b(H, '"Markets rally"'), b(P, TEXT)]),
        (["Markets rally (again)", TEXT], [b(H, "Markets rally (again)"), b(P, TEXT)]),
        ([" ".join(["word"] * 15), TEXT], [b(H, " ".join(["word"] * 15)), b(P, TEXT)]),
        ([" ".join(["word"] * 16), TEXT], [b(P, " ".join(["word"] * 16)), b(P, TEXT)]),
        (["***", TEXT], [b(P, "***"), b(P, TEXT)]),
        (["Key points", "- one", "- two"], [b(H, "Key points"), b(UL, "one", "two")]),
        # of a run of short lines only the last is a subheading
        (["Short one", "Short two", TEXT], [b(P, "Short one"), b(H, "Short two"), b(P, TEXT)]),
        (
            ["Part one", TEXT, "Part two", TEXT],
            [b(H, "Part one"), b(P, TEXT), b(H, "Part two"), b(P, TEXT)],
        ),
        # lists
        (["- one", "- two"], [b(UL, "one", "two")]),
        (["* one", "• two", "– three"], [b(UL, "one", "two", "three")]),
        (["1. one", "2. two", "10) ten"], [b(OL, "one", "two", "ten")]),
        (["- one", "1. one", "- two"], [b(UL, "one"), b(OL, "one"), b(UL, "two")]),
        (["- one", TEXT, "- two"], [b(UL, "one"), b(P, TEXT), b(UL, "two")]),
        (["-   spaced   item  "], [b(UL, "spaced item")]),
        (["— Bonjour, dit-il."], [b(P, "— Bonjour, dit-il.")]),
        (["-5% on the day."], [b(P, "-5% on the day.")]),
        (["*emphasis* here."], [b(P, "*emphasis* here.")]),
        (["2024. A year to remember."], [b(P, "2024. A year to remember.")]),
        (["1.5 million people came."], [b(P, "1.5 million people came.")]),
        (["-"], [b(P, "-")]),
        (["1."], [b(P, "1.")]),
        # cleaning
        (["  Stocks   rose.  ", "", "   "], [b(P, "Stocks rose.")]),
        (["Stocks\x00 rose\u200b.\x0b"], [b(P, "Stocks rose.")]),
    ],
)
def test_parse_blocks(lines: list[str], expected: list[Block]) -> None:
    assert list(parse_blocks(lines)) == expected


def test_parse_blocks_keeps_raw_text_for_the_renderer_to_escape() -> None:
    assert parse_blocks(["<script>alert(1)</script> is text."]) == (b(P, "<script>alert(1)</script> is text."),)


# --- render_html -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("blocks", "expected"),
    [
        ([], ""),
        ([b(P, "Hello.")], "<p>Hello.</p>"),
        ([b(H, "Title"), b(P, "Text.")], "<h2>Title</h2>\n<p>Text.</p>"),
        ([b(UL, "one", "two")], "<ul><li>one</li><li>two</li></ul>"),
        ([b(OL, "one", "two")], "<ol><li>one</li><li>two</li></ol>"),
        (
            [b(P, "<script>alert('x')</script>")],
            "<p>&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;</p>",
        ),
        ([b(P, 'Tom & Jerry say "hi"')], "<p>Tom &amp; Jerry say &quot;hi&quot;</p>"),
        ([b(P, "&amp; is already escaped")], "<p>&amp;amp; is already escaped</p>"),
        (
            [b(UL, "<b>bold</b>", "a & b")],
            "<ul><li>&lt;b&gt;bold&lt;/b&gt;</li><li>a &amp; b</li></ul>",
        ),
        ([b(H, "<h2>")], "<h2>&lt;h2&gt;</h2>"),
        ([b(P, "bad\x00\x1f char\ufffe")], "<p>bad char</p>"),
        ([b(P, ""), b(UL, "", " "), b(P, "Kept.")], "<p>Kept.</p>"),
        ([b(UL, "", "one")], "<ul><li>one</li></ul>"),
    ],
)
def test_render_html(blocks: list[Block], expected: str) -> None:
    assert render_html(blocks) == expected


def test_parse_then_render() -> None:
    lines = ["Markets rally", "Shares <rose> & fell.", "- a", "- b", "1) c", "The end."]
    assert render_html(parse_blocks(lines)) == (
        "<h2>Markets rally</h2>\n"
        "<p>Shares &lt;rose&gt; &amp; fell.</p>\n"
        "<ul><li>a</li><li>b</li></ul>\n"
        "<ol><li>c</li></ol>\n"
        "<p>The end.</p>"
    )


# --- summarize ---------------------------------------------------------------------------


def test_summary_is_the_first_paragraph() -> None:
    blocks = [b(H, "Heading"), b(UL, "item"), b(P, "First."), b(P, "Second.")]
    assert summarize(blocks) == "First."


@pytest.mark.parametrize(
    ("blocks", "expected"),
    [
        ([b(H, "Heading"), b(UL, "item")], "Heading"),
        ([b(UL, "item one", "item two"), b(H, "Heading")], "item one"),
        ([b(P, ""), b(P, "  Real   text. ")], "Real text."),
        ([], ""),
        ([b(P, "")], ""),
    ],
)
def test_summary_source(blocks: list[Block], expected: str) -> None:
    assert summarize(blocks) == expected


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("one two three", 13, "one two three"),  # exactly the limit: not cut
        ("one two three", 12, "one two…"),
        ("one two three", 7, "one two…"),  # the cut falls right after a word
        ("one two three", 8, "one two…"),  # ... or on the space after it
        ("one two three", 6, "one…"),
        ("one two three", 3, "one…"),
        ("one two three", 2, "on…"),  # a single word longer than the limit
        ("abcdefghij klm", 5, "abcde…"),
        ("one, two three", 7, "one…"),  # no dangling comma before the ellipsis
        ("one – two three", 8, "one…"),
        ("a b", 1, "a…"),
        (", a", 2, ",…"),  # only punctuation before the cut: kept rather than nothing
    ],
)
def test_summary_cut(text: str, limit: int, expected: str) -> None:
    got = summarize([b(P, text)], limit)
    assert got == expected
    assert len(got) <= limit + 1


def test_summary_default_limit_is_300() -> None:
    words = " ".join(["word"] * 100)  # 499 characters
    got = summarize([b(P, words)])
    assert got.endswith("word…")
    assert len(got) == 300  # 60 words and 59 spaces, then the ellipsis
    assert summarize([b(P, "x" * 300)]) == "x" * 300
    assert summarize([b(P, "x" * 301)]) == "x" * 300 + "…"


def test_summary_limit_must_be_positive() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        summarize([b(P, "text")], 0)


# --- properties --------------------------------------------------------------------------

_OUR_TAGS = re.compile(r"</?(?:p|h2|ul|ol|li)>")
_LINE_PIECES = st.sampled_from(
    [
        "- ",
        "* ",
        "• ",
        "– ",
        "1. ",
        "2) ",
        "<",
        ">",
        "&",
        '"',
        "'",
        "<script>",
        ".",
        " ",
        "a",
        "Word",
    ]
)
_LINES = st.lists(st.one_of(st.text(), st.lists(_LINE_PIECES, max_size=8).map("".join)), max_size=12)


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        assert attrs == []
        self.tags.append(tag)

    def handle_endtag(self, tag: str) -> None:
        self.tags.append("/" + tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


@given(_LINES)
def test_render_html_is_always_safe(lines: list[str]) -> None:
    blocks = parse_blocks(lines)
    out = render_html(blocks)
    outside_tags = _OUR_TAGS.sub("", out)
    assert "<" not in outside_tags
    assert ">" not in outside_tags
    assert not re.search(r"&(?!amp;|lt;|gt;|quot;|#x27;)", outside_tags)
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", out)
    parser = _Tags()
    parser.feed(out)
    parser.close()
    assert set(parser.tags) <= {"p", "/p", "h2", "/h2", "ul", "/ul", "ol", "/ol", "li", "/li"}


@given(_LINES)
def test_parse_blocks_is_well_formed(lines: list[str]) -> None:
    blocks = parse_blocks(lines)
    for block in blocks:
        assert block.items
        assert all(item and item == item.strip() for item in block.items)
        if block.kind in (P, H):
            assert len(block.items) == 1
    if blocks:
        assert blocks[-1].kind is not H
    for first, second in itertools.pairwise(blocks):
        assert not (first.kind is second.kind and first.kind in (UL, OL))


@given(_LINES, st.integers(min_value=1, max_value=400))
def test_summarize_is_bounded(lines: list[str], limit: int) -> None:
    summary = summarize(parse_blocks(lines), limit)
    assert len(summary) <= limit + 1
    if len(summary) > limit:
        assert summary.endswith("…")


@given(st.text(alphabet=st.sampled_from("ab  ,."), max_size=60), st.integers(1, 40))
def test_summary_never_cuts_inside_a_word_that_fits(text: str, limit: int) -> None:
    summary = summarize([b(P, text)], limit)
    if summary.endswith("…") and len(text.split()[0]) <= limit:
        kept = summary[:-1]
        source = " ".join(text.split())
        assert source.startswith(kept)
        assert source[len(kept)] in " ,."


# --- ends_closed, shared with the reader's category rule ------------------------------------


@pytest.mark.parametrize(
    ("line", "closed"),
    [
        ("Why now", False),
        ("Why now?", True),
        ('He left."', True),
        ("He left.”)", True),
        ("Done…", True),
        ("終わり。", True),
        ("Markets (Asia)", False),
        ("", False),
        ('"', False),
    ],
)
def test_ends_closed(line: str, closed: bool) -> None:
    assert ends_closed(line) is closed


# --- Section 8 through the reader: the body of a whole article ---------------------------------


def _article_html(body: str) -> tuple[str, str]:
    from tests.test_reader import parse

    result = parse("date 2024-03-05 en English\nWorld\n\nHarbour cranes return\n\nBy: Jane Roe\n"
                   f"Published: March 5, 2024 at 9:30 am EST\n\n{body}")
    assert result.article is not None, result.diagnostics
    return result.article.content_html, result.article.summary


def test_r8_the_body_of_an_article_as_blocks() -> None:
    html, summary = _article_html(
        "The cranes are running again.\n\nWhy now\n\nVolumes rose by a fifth.\n\n- one\n- two\n\n1. first\n2) second\n"
    )
    assert html == (
        "<p>The cranes are running again.</p>\n<h2>Why now</h2>\n<p>Volumes rose by a fifth.</p>\n"
        "<ul><li>one</li><li>two</li></ul>\n<ol><li>first</li><li>second</li></ol>"
    )
    assert summary == "The cranes are running again."


def test_r8_no_raw_html_from_the_input_reaches_the_article() -> None:
    html, summary = _article_html(
        '<script>alert("x")</script> & <b onclick=\'steal()\'>bold</b>\n\n<img src=x onerror=alert(1)>\n'
    )
    assert "<script" not in html
    assert "<b" not in html
    assert "<img" not in html
    assert html == (
        "<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b onclick=&#x27;steal()&#x27;&gt;bold"
        "&lt;/b&gt;</p>\n<p>&lt;img src=x onerror=alert(1)&gt;</p>"
    )
    assert summary == '<script>alert("x")</script> & <b onclick=\'steal()\'>bold</b>'  # plain text, escaped later


def test_r8_the_summary_is_cut_at_a_word_boundary_near_300() -> None:
    first = " ".join(["harbour"] * 60) + "."
    _, summary = _article_html(first + "\n\nMore.\n")
    assert summary.endswith("…")
    assert len(summary) <= 301
    assert summary[:-1] == " ".join(["harbour"] * 37)


# Lines near what cleaning changes: odd spaces, combining marks after a list marker, controls.
_UNCLEAN_LINES = st.lists(
    st.lists(st.sampled_from(["a", "B", " ", "  ", "\t", "\u00a0", "\u2028", "\u1680", "\u0301", "e\u0301", "\x0b",
                              "\u200b", "- ", "* ", "• ", "1. ", "12) ", "٣. ", ".", "<", "&", "…"]),
             max_size=12).map("".join),
    max_size=8,
)  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(st.one_of(_LINES, _UNCLEAN_LINES), st.integers(min_value=1, max_value=400))
def test_render_body_cleans_once_and_agrees(lines: list[str], limit: int) -> None:
    blocks = parse_blocks(lines)
    assert render_body(lines, limit) == (summarize(blocks, limit), render_html(blocks))


def _blocks_line_by_line(lines: list[str]) -> tuple[Block, ...]:
    """parse_blocks as first written, a block made or extended for each line: the model the
    grouping of lines into runs is checked against."""
    blocks = list(parse_blocks([]))
    for block in (b for line in lines for b in parse_blocks([line])):
        if blocks and block.kind in (UL, OL) and blocks[-1].kind is block.kind:
            blocks[-1] = b(block.kind, *blocks[-1].items, *block.items)
        else:
            blocks.append(block)
    return tuple(blocks)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["- one", "* two", "1. three", "2) four", TEXT, "", "  "]), max_size=10))
def test_parse_blocks_groups_only_list_items_of_one_kind(lines: list[str]) -> None:
    # No line here is a heading, which depends on the next line; the model looks at one.
    assert parse_blocks(lines) == _blocks_line_by_line(lines)
