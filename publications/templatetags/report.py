"""Filters of the report's templates."""

from django import template
from django.utils.html import format_html

from publications import sentences

register = template.Library()


@register.filter
def latin(value) -> str:
    """Half-width punctuation in an English report (data written in Chinese: names, sources)."""
    return sentences.latin(value)


@register.filter
def unbroken_end(title) -> str:
    """A cover title whose end cannot wrap alone, held together by ``white-space: nowrap``: in Chinese from
    "专精特新" on ("江苏省 / 专精特新“小巨人”企业科创力报告": never "告" alone, never "专精特 / 新"), else its last
    seven characters; in English its last two words."""
    title = str(title)
    words = title.split(" ")
    if len(words) > 2:
        head, end = " ".join(words[:-2]) + " ", " ".join(words[-2:])
    elif "专精特新" in title and len(title) - title.index("专精特新") <= 18:
        head, end = (
            title[: title.index("专精特新")],
            title[title.index("专精特新") :],
        )  # "专精特新“小巨人”企业科创力报告"
    else:
        head, end = title[:-7], title[-7:]
    return format_html('{}<span class="cover-title-end">{}</span>', head, end)
