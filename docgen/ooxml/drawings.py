"""Give the drawings of a rendered body the fresh ids docxtpl gives them."""

from __future__ import annotations

from lxml import etree

WP_NS = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
FIRST_ID = 1001  # docxtpl numbers the body's drawings from 1001, in document order


def has_drawings(xml: str) -> bool:
    """Return True if ``xml`` may hold a drawing (a picture, shape or text box)."""
    return "docPr" in xml


def renumber_drawings(root: etree._Element) -> None:
    """Number every ``wp:docPr`` in ``root`` 1001, 1002, ... as docxtpl does.

    A loop that repeats a text box or picture repeats its id, and Word refuses a document in
    which two drawings share one.
    """
    for n, pr in enumerate(root.iter(f"{{{WP_NS}}}docPr"), start=FIRST_ID):
        pr.set("id", str(n))
