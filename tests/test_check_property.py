"""Property tests of the link check's reading of HTML and CSS (hypothesis).

- Nothing a page can hold makes the reader fail: any attribute name or value, any text, any
  CSS, in the content or in the theme's chrome.
- Any `http(s)` URL that is not a provided source, placed in any URL attribute (or CSS
  value) of any element, in the content or in the chrome, is reported; a provided source
  in an allowed place passes.
- `url(` written with any mix of CSS escapes is read as `url(`.
- The tokenizer that reads the content's text as written finds the same attributes as the
  HTML parser, in the same order (so an attribute written twice is told apart).
"""

from __future__ import annotations

import html

from hypothesis import example, given, settings
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser

from generator.check.allow import CONTENT_TAGS, CSS_VALUED, URL_ATTRS
from generator.check.classify import LinkChecker
from generator.check.content import _ONE_ATTRIBUTE
from generator.check.css import decode_css, read_css
from generator.check.pages import extract_page
from generator.check.tags import attribute_names, written_tags

PROVIDED = "https://papers.example/abs/2104.00001"
FILES = {"q1/page/index.html", "index.html"}

# A Material page reduced to what the reader tells apart: head, chrome, content.
PAGE = (
    '<!doctype html><html><head><meta charset="utf-8"><title>Page</title>{head}</head>'
    '<body><header class="md-header"><nav class="md-header__inner">{chrome}</nav></header>'
    '<div class="md-main__inner"><div class="md-content">'
    '<article class="md-content__inner md-typeset">{content}</article></div></div>'
    "</body></html>"
)

names = st.from_regex(r"[a-zA-Z][a-zA-Z0-9:_-]{0,12}", fullmatch=True)
values = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"))
elements = st.sampled_from(
    sorted(
        CONTENT_TAGS
        | {"iframe", "object", "embed", "video", "audio", "source", "track", "form", "input"}
        | {"button", "link", "meta", "image", "use", "feImage", "custom-el"}
    )
)
hosts = st.from_regex(r"[a-z][a-z0-9-]{0,10}\.(example|test|org)", fullmatch=True)
urls = st.builds(
    lambda scheme, host, path: f"{scheme}://{host}/{path}",
    st.sampled_from(["http", "https", "HTTPS"]),
    hosts.filter(lambda host: host != "papers.example"),
    st.from_regex(r"[a-z0-9/._-]{0,20}", fullmatch=True),
)


# Where the parser builds an element that it drops elsewhere.
_CONTEXT = {
    "caption": "<table>{}</table>",
    "colgroup": "<table>{}</table>",
    "col": "<table><colgroup>{}</colgroup></table>",
    "thead": "<table>{}</table>",
    "tbody": "<table>{}</table>",
    "tfoot": "<table>{}</table>",
    "tr": "<table><tbody>{}</tbody></table>",
    "td": "<table><tbody><tr>{}</tr></tbody></table>",
    "th": "<table><tbody><tr>{}</tr></tbody></table>",
}


def _attribute(name: str, value: str) -> str:
    return f'{name}="{html.escape(value, quote=True)}"'


def _problems(page_html: str) -> list[str]:
    checker = LinkChecker({"q1": [PROVIDED]}, FILES, site_url="https://site.example/")
    checker.check_page(extract_page("q1/page/index.html", page_html))
    return [problem.code for problem in checker.finish()]


@settings(max_examples=150, deadline=None)
@given(
    tag=names,
    attrs=st.lists(st.tuples(names, values), max_size=4),
    text=values,
    where=st.sampled_from(["head", "chrome", "content"]),
)
def test_no_attribute_or_text_breaks_the_reader(
    tag: str, attrs: list[tuple[str, str]], text: str, where: str
) -> None:
    element = f"<{tag} {' '.join(_attribute(n, v) for n, v in attrs)}>{html.escape(text)}</{tag}>"
    raw = f"<{tag} {' '.join(f'{n}={v}' for n, v in attrs)}>{text}"  # not even well-formed
    for markup in (element, raw):
        page = PAGE.format(**{"head": "", "chrome": "", "content": "", where: markup})
        _problems(page)


@settings(max_examples=200, deadline=None)
@given(text=values)
def test_no_css_breaks_the_reader(text: str) -> None:
    read = read_css(text)
    assert all(isinstance(url, str) for url in read.urls)
    _problems(PAGE.format(head=f"<style>{text}</style>", chrome="", content=""))


@settings(max_examples=300, deadline=None)
@given(
    tag=elements,
    attr=st.sampled_from(sorted([*URL_ATTRS, "style", *CSS_VALUED])),
    url=urls,
    where=st.sampled_from(["chrome", "content"]),
)
@example(tag="a", attr="ping", url="https://evil.example/p", where="chrome")
@example(tag="img", attr="srcset", url="https://evil.example/p", where="content")
def test_an_url_in_any_url_attribute_is_reported(tag: str, attr: str, url: str, where: str) -> None:
    if attr == "style" or attr in CSS_VALUED:
        value = f"background: url('{url}')" if attr == "style" else f"url({url})"
    elif attr in ("srcset", "imagesrcset"):
        value = f"{url} 2x"
    else:
        value = url
    if attr == "data" and tag != "object":
        tag = "object"
    element = _CONTEXT.get(tag, "{}").format(f"<{tag} {_attribute(attr, value)}></{tag}>")
    page = PAGE.format(head="", **{"chrome": "", "content": "", where: element})
    assert _problems(page), element


@settings(max_examples=100, deadline=None)
@given(tag=st.sampled_from(["a", "img", "blockquote", "q", "del", "ins"]), url=urls)
def test_a_provided_source_in_an_allowed_place_passes(tag: str, url: str) -> None:
    attr = {"a": "href", "img": "src"}.get(tag, "cite")
    element = f"<{tag} {_attribute(attr, PROVIDED)}></{tag}>"
    assert _problems(PAGE.format(head="", chrome="", content=element)) == []
    outside = f"<{tag} {_attribute(attr, url)}></{tag}>"
    assert _problems(PAGE.format(head="", chrome="", content=outside)) == ["link-not-provided"]


def _escape(char: str, how: int) -> str:
    if how == 0:
        return char
    if how == 1 and char not in "0123456789abcdefABCDEF\n":
        return "\\" + char
    return f"\\{ord(char):x} "


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 2), min_size=4, max_size=4), st.sampled_from(["URL", "url", "Url"]))
def test_escaped_url_is_read_as_url(hows: list[int], name: str) -> None:
    written = "".join(_escape(char, how) for char, how in zip(name + "(", hows, strict=True))
    text = f"background: {written}https://evil.example/x.png)"
    assert decode_css(text).lower().startswith("background: url(")
    assert "url" in read_css(text).fetching


attr_names = st.from_regex(r"[a-z][a-z0-9-]{0,6}", fullmatch=True)
attr_values = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\r"))


def _written(name: str, value: str, quote: int) -> str:
    if quote == 0:
        return f'{name}="{value.replace(chr(34), "&quot;")}"'
    if quote == 1:
        return f"{name}='{value.replace(chr(39), '&#39;')}'"
    bare = "".join(c for c in value if c not in " \t\n\f\"'<>=`/")
    return f"{name}={bare}" if bare else name


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(attr_names, attr_values, st.integers(0, 2)), max_size=5))
def test_the_tokenizer_reads_the_attributes_the_parser_reads(
    attrs: list[tuple[str, str, int]],
) -> None:
    tag = "<span " + " ".join(_written(n, v, q) for n, v, q in attrs) + ">x</span>"
    (written,) = written_tags(tag)
    names = attribute_names(written[1])
    assert names == [name for name, _, _ in attrs]
    if written[1].count("=") < 2 and _ONE_ATTRIBUTE.fullmatch(written[1]):
        assert len(names) <= 1  # the shortcut that skips a tag holds no repeat
    node = LexborHTMLParser(tag).css_first("span")
    assert node is not None
    assert list(dict.fromkeys(names)) == list(node.attributes)
