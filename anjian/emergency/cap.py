"""CAP 1.2 (OASIS Common Alerting Protocol, 2010) in and out.

Out: ``build_xml`` writes an alert with one ``info`` block per language (zh-CN, and en-US when
an English headline is given), areas as polygons and circles; ``validate`` checks it against
the OASIS schema shipped here (``cap/CAP-v1.2.xsd``, a verbatim copy).

In: ``parse`` reads CAP 1.2 (validated against the schema) and CAP 1.1 (checked for the
required elements). Untrusted XML is never allowed to pull in anything: a document with a
DOCTYPE (the carrier of external entities and of entity-expansion "bombs") is refused before
parsing, and the parser itself resolves no entities, loads no DTD and opens no network.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone
from lxml import etree

from anjian.core.errors import DomainError

NS12 = "urn:oasis:names:tc:emergency:cap:1.2"
NS11 = "urn:oasis:names:tc:emergency:cap:1.1"
SENDER = "anjian@safety.example.gov.cn"
XSD_PATH = Path(__file__).with_name("cap") / "CAP-v1.2.xsd"

URGENCY = ("Immediate", "Expected", "Future", "Past", "Unknown")
SEVERITY = ("Extreme", "Severe", "Moderate", "Minor", "Unknown")
CERTAINTY = ("Observed", "Likely", "Possible", "Unlikely", "Unknown")
CATEGORY = ("Geo", "Met", "Safety", "Security", "Rescue", "Fire", "Health", "Env", "Transport", "Infra", "CBRNE",
            "Other")
MSG_TYPES = ("Alert", "Update", "Cancel")

_PAIR = r"-?\d+(\.\d+)?,-?\d+(\.\d+)?"
_POLYGON = re.compile(rf"^{_PAIR}( {_PAIR}){{3,}}$")
_CIRCLE = re.compile(rf"^{_PAIR} \d+(\.\d+)?$")


def cap_time(value: dt.datetime | None) -> str:
    """``2026-12-06T20:00:00+08:00``: local time with its offset, no fractions (CAP 1.2 §3.3.2)."""
    if value is None:
        return ""
    return timezone.localtime(value).replace(microsecond=0).isoformat()


def check_fields(*, urgency: str, severity: str, certainty: str, category: str, polygons: list[str],
                 circles: list[str], msg_type: str) -> None:
    for name, value, allowed in (("urgency", urgency, URGENCY), ("severity", severity, SEVERITY),
                                 ("certainty", certainty, CERTAINTY), ("category", category, CATEGORY),
                                 ("msg_type", msg_type, MSG_TYPES)):
        if value not in allowed:
            raise DomainError(f"取值无效：{value}", f"Invalid value: {value}", field=name)
    for poly in polygons:
        pairs = poly.split()
        if not _POLYGON.match(poly) or pairs[0] != pairs[-1]:
            raise DomainError("多边形须为至少4个“纬度,经度”点且首尾相同", "A polygon is 4+ 'lat,lon' pairs, first = last",
                              field="polygons")
    for circle in circles:
        if not _CIRCLE.match(circle):
            raise DomainError("圆形区域格式为“纬度,经度 半径(公里)”", "A circle is 'lat,lon radius_km'", field="circles")


def build_xml(alert: Any) -> str:
    """The alert as a CAP 1.2 document (UTF-8 text)."""
    root = etree.Element(f"{{{NS12}}}alert", nsmap={None: NS12})

    def sub(parent: Any, tag: str, text: str) -> Any:
        el = etree.SubElement(parent, f"{{{NS12}}}{tag}")
        el.text = text
        return el

    sub(root, "identifier", alert.identifier)
    sub(root, "sender", alert.sender)
    sub(root, "sent", cap_time(alert.sent))
    sub(root, "status", "Actual")
    sub(root, "msgType", alert.msg_type)
    sub(root, "scope", "Public")
    if alert.references:
        sub(root, "references", alert.references)
    blocks = [("zh-CN", alert.headline_zh, alert.description_zh, alert.instruction_zh)]
    if alert.headline_en:
        blocks.append(("en-US", alert.headline_en, alert.description_en, alert.instruction_en))
    for lang, headline, description, instruction in blocks:
        info = etree.SubElement(root, f"{{{NS12}}}info")
        sub(info, "language", lang)
        sub(info, "category", alert.category)
        sub(info, "event", alert.event)
        sub(info, "urgency", alert.urgency)
        sub(info, "severity", alert.severity)
        sub(info, "certainty", alert.certainty)
        if alert.effective:
            sub(info, "effective", cap_time(alert.effective))
        if alert.expires:
            sub(info, "expires", cap_time(alert.expires))
        sub(info, "senderName", "安全生产委员会办公室" if lang == "zh-CN" else "Work Safety Committee Office")
        sub(info, "headline", headline)
        if description:
            sub(info, "description", description)
        if instruction:
            sub(info, "instruction", instruction)
        area = etree.SubElement(info, f"{{{NS12}}}area")
        sub(area, "areaDesc", alert.area_desc)
        for poly in alert.polygons or []:
            sub(area, "polygon", poly)
        for circle in alert.circles or []:
            sub(area, "circle", circle)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True).decode("utf-8")


@lru_cache(maxsize=1)
def _schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(XSD_PATH), parser=_safe_parser()))


def _safe_parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                           huge_tree=False, remove_comments=True)


def validate(data: bytes) -> list[str]:
    """Errors of the document against the CAP 1.2 schema (empty when valid)."""
    doc = safe_parse(data)
    schema = _schema()
    if schema.validate(doc):
        return []
    return [f"line {e.line}: {e.message}" for e in schema.error_log]


def safe_parse(data: bytes) -> Any:
    """Parse untrusted XML: refused (``DomainError``) when too large, when it declares a DOCTYPE
    or an entity, or when it is not well-formed."""
    if len(data) > settings.CAP_MAX_BYTES:
        raise DomainError("文件过大", "The file is too large")
    head = data[:4096].lower()
    if b"<!doctype" in head or b"<!entity" in data.lower():
        raise DomainError("拒绝处理：文件含有 DOCTYPE/实体声明（可能是外部实体或实体膨胀攻击）",
                          "Refused: the file declares a DOCTYPE or entities (external-entity or entity-expansion attack)")
    try:
        doc = etree.fromstring(data, parser=_safe_parser()).getroottree()
    except etree.XMLSyntaxError as exc:
        raise DomainError(f"XML 格式错误：{exc}", f"Malformed XML: {exc}") from exc
    if doc.docinfo.doctype or doc.docinfo.internalDTD is not None:
        raise DomainError("拒绝处理：文件含有 DOCTYPE", "Refused: the file declares a DOCTYPE")
    return doc


def _when(text: str) -> dt.datetime | None:
    if not text:
        return None
    try:
        return dt.datetime.fromisoformat(text.strip())
    except ValueError:
        return None


def parse(data: bytes) -> dict[str, Any]:
    """The fields of a received CAP 1.2 or 1.1 alert (the first ``info`` block, preferring zh)."""
    doc = safe_parse(data)
    root = doc.getroot()
    ns = etree.QName(root).namespace
    if etree.QName(root).localname != "alert" or ns not in (NS12, NS11):
        raise DomainError("不是 CAP 1.1/1.2 预警报文", "Not a CAP 1.1/1.2 alert")
    if ns == NS12:
        errors = validate(data)
        if errors:
            raise DomainError("CAP 报文未通过 OASIS 模式校验：" + "；".join(errors[:3]), "Invalid CAP: " + "; ".join(errors[:3]))

    def text(el: Any, tag: str) -> str:
        found = el.find(f"{{{ns}}}{tag}")
        return (found.text or "").strip() if found is not None else ""

    infos = root.findall(f"{{{ns}}}info")
    # an alert without <info> is valid CAP (e.g. a bare Cancel): its fields read as empty
    info = next((i for i in infos if text(i, "language").lower().startswith("zh")), infos[0] if infos else root)
    required = [text(root, t) for t in ("identifier", "sender", "sent")]
    if not all(required):
        raise DomainError("CAP 报文缺少必填项", "The CAP alert lacks required elements")
    areas = info.findall(f"{{{ns}}}area")
    return {
        "identifier": required[0], "sender": required[1], "sent": _when(required[2]),
        "msg_type": text(root, "msgType") or "Alert", "references": text(root, "references"),
        "event": text(info, "event") or text(root, "msgType"), "category": text(info, "category") or "Other",
        "urgency": text(info, "urgency") or "Unknown", "severity": text(info, "severity") or "Unknown",
        "certainty": text(info, "certainty") or "Unknown",
        "headline": text(info, "headline"), "description": text(info, "description"),
        "instruction": text(info, "instruction"), "effective": _when(text(info, "effective")),
        "expires": _when(text(info, "expires")),
        "area_desc": "；".join(text(a, "areaDesc") for a in areas),
        "polygons": [(p.text or "").strip() for a in areas for p in a.findall(f"{{{ns}}}polygon")],
        "circles": [(c.text or "").strip() for a in areas for c in a.findall(f"{{{ns}}}circle")],
        "encoding": doc.docinfo.encoding or "utf-8", "version": "1.2" if ns == NS12 else "1.1",
    }
