"""DHIS2's XML formats: dataValueSet (DXF2) and ADX (IHE QRPH, `urn:ihe:qrph:adx:2015`).

Read with lxml's streaming `iterparse`, with entities, DTDs and the network off: a file
with a DOCTYPE is refused before parsing (no entity expansion, no XML bomb). Every
attribute danvan does not read is refused by name, as in the JSON reader.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

from django.utils.translation import gettext as _
from lxml import etree  # type: ignore[import-untyped]

from danvan.datasets.exchange.parsers import (
    VALUE_FIELDS,
    FileError,
    RawRow,
    Source,
    document_key,
    flag_parse,
    followup_problem,
    machine_to_vn,
)
from danvan.lib.dhis2_periods import Dhis2PeriodError, adx_period_parse

DXF_NAMESPACE = "http://dhis2.org/schema/dxf/2.0"
ADX_NAMESPACE = "urn:ihe:qrph:adx:2015"
# ADX attributes of a group and of a value that are not categories.
_ADX_GROUP = frozenset({"orgUnit", "period", "dataSet", "completeDate", "attributeOptionCombo"})
_ADX_VALUE = frozenset(
    {"dataElement", "value", "categoryOptionCombo", "attributeOptionCombo", "deleted"}
)
# In ADX a disaggregation is an attribute named after the category. danvan has one
# category: the organization type (DHIS2 category code ORGANIZATION_TYPE).
ADX_ORGANIZATION_CATEGORY = "ORGANIZATION_TYPE"


def xml_kind(head: bytes) -> str:
    """'xml' (dataValueSet), 'adx', or '' when `head` is not one of them."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not text.startswith(b"<"):
        return ""
    if ADX_NAMESPACE.encode() in head[:4096]:
        return "adx"
    if b"dataValueSet" in head[:4096]:
        return "xml"
    return ""


def _local(tag: Any) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


class _XmlBase(Source):
    def _events(self) -> Iterator[tuple[str, Any]]:
        head = self.stream.read(4096)
        self.stream.seek(0)
        if b"<!DOCTYPE" in head.upper() or b"<!ENTITY" in head.upper():
            raise FileError(
                "xml_doctype",
                _("XML with a DOCTYPE or entities is refused: remove the <!DOCTYPE …> line."),
            )
        parser = etree.iterparse(
            self.stream,
            events=("start", "end"),
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            huge_tree=False,
            remove_comments=True,
        )
        try:
            for event, element in parser:
                if not isinstance(element.tag, str):
                    continue
                yield event, element
        except etree.XMLSyntaxError as error:
            raise FileError(
                "xml",
                _("This XML cannot be read (line %(line)s): %(error)s")
                % {"line": error.lineno or "?", "error": str(error.msg)[:200]},
            ) from error


class XmlSource(_XmlBase):
    """<dataValueSet dataSet period orgUnit completeDate attributeOptionCombo>
    <dataValue dataElement period orgUnit categoryOptionCombo value comment deleted …/>"""

    format = "xml"

    def __init__(self, stream: IO[bytes], size: int) -> None:
        super().__init__(stream, size)
        self.described = _("DHIS2 dataValueSet XML")

    def __iter__(self) -> Iterator[RawRow]:
        number = 0
        root_seen = False
        for event, element in self._events():
            name = _local(element.tag)
            if event == "start" and not root_seen:
                root_seen = True
                if name != "dataValueSet":
                    raise FileError(
                        "not_data_value_set",
                        _("This XML is not a dataValueSet document (root <%(name)s>).")
                        % {"name": name[:40]},
                    )
                for key, value in element.attrib.items():
                    document_key(self, _local(key), value)
                continue
            if event != "end" or name != "dataValue":
                if event == "start" and name not in ("dataValue", "dataValueSet"):
                    raise FileError(
                        "unknown_field",
                        _("Unknown element <%(name)s> in the document.") % {"name": name[:40]},
                    )
                continue
            number += 1
            yield self._row(number, element)
            element.clear()

    def _row(self, number: int, element: Any) -> RawRow:
        attrib = {_local(k): v for k, v in element.attrib.items()}
        problem = ""
        unknown = [k for k in attrib if k not in VALUE_FIELDS]
        if unknown:
            problem = _("Unknown field “%(name)s” in a data value.") % {"name": unknown[0][:40]}
        if len(element):
            problem = problem or _(
                "A <dataValue> must hold its fields as attributes, not as elements."
            )
        deleted, deleted_problem = flag_parse("deleted", attrib.get("deleted"))
        problem = problem or deleted_problem or followup_problem(attrib.get("followup"))
        header = self.header
        return RawRow(
            number,
            attrib.get("dataElement", ""),
            attrib.get("period", header.get("period", "")),
            attrib.get("orgUnit", header.get("orgUnit", "")),
            attrib.get("categoryOptionCombo", ""),
            machine_to_vn(attrib.get("value", "")),
            attrib.get("comment"),
            problem=problem,
            attribute=attrib.get("attributeOptionCombo", header.get("attributeOptionCombo", "")),
            deleted=deleted,
        )


class AdxSource(_XmlBase):
    """<adx><group orgUnit period="2021-01-01/P1Y" dataSet>
    <dataValue dataElement value ORGANIZATION_TYPE="hnd"/></group></adx>"""

    format = "adx"

    def __init__(self, stream: IO[bytes], size: int) -> None:
        super().__init__(stream, size)
        self.described = _("ADX (IHE Aggregate Data Exchange)")

    def __iter__(self) -> Iterator[RawRow]:
        number = 0
        group: dict[str, str] = {}
        group_problem = ""
        root_seen = False
        for event, element in self._events():
            name = _local(element.tag)
            if event == "start" and not root_seen:
                root_seen = True
                if name != "adx":
                    raise FileError(
                        "not_data_value_set",
                        _("This XML is not an ADX document (root <%(name)s>).")
                        % {"name": name[:40]},
                    )
                continue
            if event == "start" and name == "group":
                group = {_local(k): v for k, v in element.attrib.items()}
                group_problem = self._group_problem(group)
                continue
            if event == "start" and name not in ("dataValue", "group", "adx"):
                raise FileError(
                    "unknown_field",
                    _("Unknown element <%(name)s> in the document.") % {"name": name[:40]},
                )
            if event == "end" and name == "dataValue":
                number += 1
                yield self._row(number, element, group, group_problem)
                element.clear()

    def _group_problem(self, group: dict[str, str]) -> str:
        data_set = group.get("dataSet", "")
        if data_set and self.header.setdefault("dataSet", data_set) != data_set:
            return _("ADX groups for more than one data set: import them one data set at a time.")
        extra = [k for k in group if k not in _ADX_GROUP]
        if extra:
            return _(
                "Attribute category “%(name)s” on an ADX group: danvan has no attribute categories."
            ) % {"name": extra[0][:40]}
        if group.get("completeDate"):
            return _(
                "completeDate on an ADX group: danvan completes a form only when it is submitted."
            )
        try:
            group["period"] = adx_period_parse(group.get("period", "")).id
        except Dhis2PeriodError:
            return _("“%(period)s” is not an ADX period (e.g. 2021-01-01/P1Y).") % {
                "period": group.get("period", "")[:30]
            }
        return ""

    def _row(self, number: int, element: Any, group: dict[str, str], problem: str) -> RawRow:
        attrib = {_local(k): v for k, v in element.attrib.items()}
        option = attrib.get("categoryOptionCombo", "")
        for key, value in attrib.items():
            if key in _ADX_VALUE:
                continue
            if key == ADX_ORGANIZATION_CATEGORY and not option:
                option = value
                continue
            problem = problem or _(
                "Category “%(name)s” is not one of danvan's (only %(ours)s)."
            ) % {"name": key[:40], "ours": ADX_ORGANIZATION_CATEGORY}
        deleted, deleted_problem = flag_parse("deleted", attrib.get("deleted"))
        return RawRow(
            number,
            attrib.get("dataElement", ""),
            group.get("period", ""),
            group.get("orgUnit", ""),
            option,
            machine_to_vn(attrib.get("value", "")),
            None,
            problem=problem or deleted_problem,
            attribute=attrib.get("attributeOptionCombo", group.get("attributeOptionCombo", "")),
            deleted=deleted,
        )


__all__ = ["AdxSource", "XmlSource", "xml_kind"]
