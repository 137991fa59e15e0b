"""The one place that knows raw WordprocessingML and package parts (w:sdt, custom properties).

Everything above this package speaks in tags, texts, templates and parts; XML names stay here:

* :mod:`~docgen.ooxml.names`: namespaces and part names;
* :mod:`~docgen.ooxml.properties`: custom properties and the package parts that declare them;
* :mod:`~docgen.ooxml.controls`: content controls and the placeholders of empty ones;
* :mod:`~docgen.ooxml.markup`: text as run markup, paragraphs laid out for Jinja;
* :mod:`~docgen.ooxml.tables`: table grids fitted to rendered rows;
* :mod:`~docgen.ooxml.ids`: paragraph, bookmark and comment ids made unique after loops;
* :mod:`~docgen.ooxml.wordtext`: a body flattened into units of text;
* :mod:`~docgen.ooxml.odfcells`: a flat OpenDocument text's table cells as they showed.

Every XML part is parsed by :func:`docgen.safezip.parse_xml`, which refuses DTDs and entities.
"""

from __future__ import annotations

from docgen.ooxml.controls import (
    PLACEHOLDER_STYLE,
    compile_placeholders,
    fill_placeholders,
    sdt_tag,
    show_placeholder,
)
from docgen.ooxml.names import (
    CONTENT_TYPES_PART,
    CUSTOM_PART,
    DOCUMENT_PART,
    NS,
    ROOT_RELS_PART,
    W_NS,
    XML_SPACE,
    W,
)
from docgen.ooxml.properties import (
    CUSTOM_CT,
    CUSTOM_NS,
    CUSTOM_REL,
    FMTID,
    VT_NS,
    custom_properties_xml,
    now_stamp,
    read_custom_properties,
    with_custom_part,
)

__all__ = [
    "CONTENT_TYPES_PART", "CUSTOM_CT", "CUSTOM_NS", "CUSTOM_PART", "CUSTOM_REL", "DOCUMENT_PART",
    "FMTID", "NS", "PLACEHOLDER_STYLE", "ROOT_RELS_PART", "VT_NS", "W", "W_NS", "XML_SPACE",
    "compile_placeholders", "custom_properties_xml", "fill_placeholders", "now_stamp",
    "read_custom_properties", "sdt_tag", "show_placeholder", "with_custom_part",
]
