"""Endpoints from method pages: one per path of the HTTP request syntax block.

Everything else an endpoint carries comes from the same page: parameter and
header tables, the permissions table (or an older page's scopes line), the
request body type linked under "Request body", and the success status and
type promised under "Response".
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace

from generator.diagnostics import Diagnostic, make
from generator.digest import replaced
from generator.model.paths import PathTemplate, normalize_path
from generator.model.resources import names_defined_types, page_description, values_section_ref
from generator.model.typeindex import TypeIndex
from generator.model.typeref import ParsedType, parse_type_cell, type_name_from_link
from generator.model.types import (
    ENUM,
    PRIMITIVE,
    RESOURCE,
    Endpoint,
    Example,
    Parameter,
    Permission,
    ResponseSpec,
    Same,
    Source,
    TypeRef,
)
from generator.parse.facts import Cell, Link, PageFacts, Table

_STRING = TypeRef("Edm.String", "primitive")

_STATUS = re.compile(r"\b([1-5]\d\d)\b")
_REQUEST_BODY = re.compile(r"^request body", re.IGNORECASE)
_RESPONSE = re.compile(r"^response", re.IGNORECASE)
_PERMISSIONS = re.compile(r"permission|prerequisite", re.IGNORECASE)
_SCOPES_LINE = re.compile(r"\bscopes?\b[^:]*:\s*(.*)$", re.IGNORECASE)
_SCOPE_ITEM = re.compile(  # a paragraph or list item that is only scopes
    r"^[`*_]*[A-Z][A-Za-z0-9]*(?:\.[A-Za-z0-9]+)+[`*_]*"
    r"(?:\s*(?:,|;|\b(?:and|or)\b)\s*[`*_]*[A-Z][A-Za-z0-9]*(?:\.[A-Za-z0-9]+)+[`*_]*)*\.?$",
    re.IGNORECASE,
)
_NOT_SUPPORTED = re.compile(r"^not (supported|applicable)", re.IGNORECASE)
_PLACEHOLDER_NAME = re.compile(  # "sample" as its own word: X-Sample-Header, sample_param
    r"(?<![A-Za-z0-9])sample(?![A-Za-z0-9])", re.IGNORECASE
)
_PLACEHOLDER_DESCRIPTION = re.compile(r"\bremove if not needed\b", re.IGNORECASE)
_REQUIRED = re.compile(r"\brequired\b", re.IGNORECASE)
_OPTIONAL = re.compile(r"\boptional\b", re.IGNORECASE)
_QUERY_SECTION = re.compile(r"query param", re.IGNORECASE)
_ODATA_OPTION = re.compile(
    r"(?<![\w$])\$(?:select|filter|expand|top|skip|orderby|orderBy|count|search|format|skipToken|deltatoken|skiptoken)\b"
)
_TYPE_IN_BODY = re.compile(
    r"\b(object|objects|collection|resource)\b[^.]*\bin the response body", re.I
)
_SUPPORTS_ODATA = re.compile(r"supports?\b.*\bodata query param", re.IGNORECASE)
_GENERIC_OPTIONS = (
    "$select",
    "$expand",
    "$filter",
    "$orderby",
    "$top",
    "$skip",
    "$count",
    "$search",
)
_TABLE_LOCATION = {
    "HttpHeaders": "header",
    "QueryStringParameters": "query",
    "PathParameters": "path",
    "RequestObjectProperties": "body",
}


@dataclass(frozen=True)
class PageEndpoint:
    """An endpoint with the page line it came from, before duplicates are removed."""

    endpoint: Endpoint
    template: PathTemplate


def _is_placeholder_row(name: str, description: str) -> bool:
    """A row the doc template left behind: "sample" as a word of the name (not inside
    a camelCase name such as allowSampleSharing) or the template's "remove if not
    needed" instruction in the description."""
    return bool(_PLACEHOLDER_NAME.search(name) or _PLACEHOLDER_DESCRIPTION.search(description))


def _header_type(parsed: ParsedType | None) -> TypeRef | None:
    """A header carries text: its cell names a type only when it names a primitive.
    Anything else is the value the header is sent with (`Bearer {token}`, `eventual`,
    `etag`), which the config's "Value" column for a type also holds."""
    if parsed is None or not parsed.primitive:
        return None
    return TypeRef(parsed.name, PRIMITIVE, parsed.collection)


def _holds_values(table: Table) -> bool:
    """A `| Name | Value |` table lists name-value pairs (`extensionName` |
    `%unique_string%`): its Value column holds what to send (see `_value_type`)."""
    for title, role in zip(table.header, table.columns, strict=False):
        if role == "type":
            return title.strip().strip("*").casefold() == "value"
    return False


def _cell_text(row: tuple[Cell, ...], roles: tuple[str | None, ...], role: str) -> Cell | None:
    for cell, r in zip(row, roles, strict=False):
        if r == role:
            return cell
    return None


class EndpointBuilder:
    def __init__(self, index: TypeIndex, base_urls: tuple[str, ...]) -> None:
        self.index = index
        self.base_urls = base_urls
        self.diagnostics: list[Diagnostic] = []
        self.same = Same()  # pages repeat parameters, permissions and types

    def build(self, page: PageFacts) -> list[PageEndpoint]:
        lines = [entry for block in page.blocks for entry in block.syntax]
        if not lines:
            return []
        same = self.same
        parameters = [same(p) for p in self._parameters(page)]
        request_body = same(self._linked_type(page, _REQUEST_BODY))
        response = same(self._response(page))
        permissions = tuple(same(p) for p in self._permissions(page))
        description = page_description(page)
        built: list[PageEndpoint] = []
        seen: set[str] = set()
        for method, raw, line in lines:
            template, notes = normalize_path(raw, self.base_urls)
            for note in notes:
                self.diagnostics.append(make("P001", page.path, line, 1, note))
            endpoint_id = f"{method} {template.template}"
            if endpoint_id in seen:
                self.diagnostics.append(
                    make("P002", page.path, line, 1, f"{endpoint_id} is listed twice on this page")
                )
                continue
            seen.add(endpoint_id)
            path_params = tuple(same(_path_parameter(p.name, parameters)) for p in template.params)
            other = tuple(p for p in parameters if p.location != "path")
            built.append(
                PageEndpoint(
                    Endpoint(
                        id=endpoint_id,
                        method=method,
                        path=template.template,
                        raw_path=raw,
                        parameters=path_params + other,
                        request_body=request_body,
                        response=response,
                        permissions=permissions,
                        title=page.title,
                        description=description,
                        alternatives=(),
                        source=Source(page.path, line),
                    ),
                    template,
                )
            )
        ids = tuple(pe.endpoint.id for pe in built)
        return [
            PageEndpoint(
                replace(pe.endpoint, alternatives=tuple(i for i in ids if i != pe.endpoint.id)),
                pe.template,
            )
            for pe in built
        ]

    def _parameters(self, page: PageFacts) -> list[Parameter]:
        params: list[Parameter] = []
        for table in page.tables:
            location = _TABLE_LOCATION.get(table.kind or "")
            if location is None:
                continue
            for row, line in zip(table.rows, table.row_lines, strict=False):
                param = self._parameter(page, table, row, line, location)
                if param is not None:
                    params.append(param)
        return params + _prose_query_options(page, {p.name for p in params})

    def _parameter(
        self, page: PageFacts, table: Table, row: tuple[Cell, ...], line: int, location: str
    ) -> Parameter | None:
        name = _cell_text(row, table.columns, "name")
        if name is None or not name.text.strip():
            return None
        desc = _cell_text(row, table.columns, "description")
        description = desc.text if desc is not None else ""
        if _is_placeholder_row(name.text, description):
            self.diagnostics.append(
                make(
                    "T003",
                    page.path,
                    line,
                    1,
                    f'placeholder row "{name.text}" in {table.title} table',
                )
            )
            return None
        type_cell = _cell_text(row, table.columns, "type")
        ref: TypeRef | None = None
        if type_cell is not None and type_cell.text.strip():
            parsed = parse_type_cell(type_cell.text, type_cell.links)
            if location == "header":
                ref = _header_type(parsed)
            elif _holds_values(table):
                ref = self._value_type(parsed, page.path)
            elif parsed is None and not names_defined_types(self.index, type_cell, page.path):
                self.diagnostics.append(
                    make(
                        "T002",
                        page.path,
                        line,
                        1,
                        f'parameter "{name.text}": Type "{type_cell.text}" does not parse',
                    )
                )
            elif parsed is not None:
                ref, why = self._resolve(parsed, page.path)
                if why is not None:
                    self.diagnostics.append(
                        make("R003", page.path, line, 1, f'parameter "{name.text}": {why}')
                    )
        required = bool(_REQUIRED.search(description)) and not _OPTIONAL.search(description)
        if location == "path":
            required = True
        return Parameter(name.text.strip().strip("`"), location, ref, required, description)

    def _resolve(self, parsed: ParsedType, page: str) -> tuple[TypeRef, str | None]:
        """A parsed Type cell's type, and why it did not resolve (see `to_ref`)."""
        string = values_section_ref(self.index, parsed)
        return (string, None) if string is not None else self.index.to_ref(parsed, page)

    def _value_type(self, parsed: ParsedType | None, page: str) -> TypeRef | None:
        """A Value cell of a name-value table names a type when it is a primitive's
        name or a link to a type's page (`[ItemReference](../resources/itemreference.md)`);
        other text (`%unique_string%`, `microsoft.graph.openTypeExtension` as the value
        of `@odata.type`) is the value itself."""
        if parsed is not None and not parsed.primitive and parsed.link is not None:
            target, _ = self.index.resolve_link(page, parsed.link)
            if target is not None and self.index.pick_on_page(target, parsed.name) is not None:
                return self.index.to_ref(parsed, page)[0]
        return _header_type(parsed)

    def _section_prose(self, page: PageFacts, title: re.Pattern[str]) -> list[tuple[str, int]]:
        return [(text, line) for section, text, line in page.prose if title.match(section)]

    def _linked_type(self, page: PageFacts, title: re.Pattern[str]) -> TypeRef | None:
        """The first type link in the section's prose (not its tables), collection
        if the sentence says so."""
        for link in page.links:
            if link.in_table or not title.match(link.section):
                continue
            name = type_name_from_link(link.href)
            if name is None:
                continue
            target, _ = self.index.resolve_link(page.path, link.href)
            if target is None and _is_relative_page(link.href):
                self.diagnostics.append(
                    make(
                        "R008",
                        page.path,
                        link.line,
                        1,
                        f"link to {link.href} ({link.text}): no such page in the doc set",
                    )
                )
            pick = self.index.pick_on_page(target, link.text) if target else None
            if pick is None and self.index.lookup_name(name) is None:
                continue
            sentence = _sentence_with(page, link.line, link.text)
            if _alternatives(page, link, sentence):
                return None  # "a collection of user and/or group objects": no one type
            collection = _says_collection(sentence, link.text, pick or name)
            if pick is not None:
                return TypeRef(pick, self.index.kinds[pick], collection)
            return self.index.ref_for_name(name, collection)
        return None

    def _response(self, page: PageFacts) -> ResponseSpec:
        """Status and type the Response section promises. A 202 or 204 carries a type
        only when the section says it is in the response body: the links there
        usually name the operation to poll or the changed resource."""
        status = self._status(page)
        linked = self._linked_type(page, _RESPONSE)
        if status in (202, 204) and linked is not None:
            said = any(
                "response body" in text.lower()
                for section, text, _ in page.prose
                if _RESPONSE.match(section)
            )
            linked = linked if said else None
        return ResponseSpec(status, linked)

    def _status(self, page: PageFacts) -> int | None:
        """The success status the Response section promises: its first 2xx code (the
        section also names error codes), else its first code of any kind."""
        codes = [
            int(code)
            for text, _ in self._section_prose(page, _RESPONSE)
            for code in _STATUS.findall(text)
        ]
        return next((c for c in codes if 200 <= c < 300), codes[0] if codes else None)

    def _permissions(self, page: PageFacts) -> tuple[Permission, ...]:
        perms: list[Permission] = []
        for table in page.tables:
            if table.kind != "AuthScopes":
                continue
            for row in table.rows:
                kind = _cell_text(row, table.columns, "title")
                scopes = _cell_text(row, table.columns, "scope")
                if kind is None or scopes is None:
                    continue
                perms.append(Permission(kind.text.strip(), _split_scopes(scopes.text)))
        if perms:
            return tuple(perms)
        prose = [(text, line) for section, text, line in page.prose if _PERMISSIONS.search(section)]
        for i, (text, line) in enumerate(prose):
            m = _SCOPES_LINE.search(text)
            if m is None:
                continue
            listed = _split_scopes(m.group(1))
            # "The following scopes are required:" and the scopes in the items after it
            for following, _ in prose[i + 1 :] if not listed else ():
                if not _SCOPE_ITEM.match(following.strip()):
                    break
                listed += _split_scopes(following)
            if not listed:
                self.diagnostics.append(
                    make("T004", page.path, line, 1, "the scopes line names no scope")
                )
                continue
            perms.append(Permission("", listed))
        return tuple(perms)


def _prose_query_options(page: PageFacts, known: set[str]) -> list[Parameter]:
    """OData options a query-parameters section names in prose ("This method supports
    the `$select`, `$filter` and `$top` OData query parameters"); a section that
    says only that the method supports "OData query parameters" gets the generic
    system query options, which is what that sentence means in such docs."""
    named: list[str] = []
    generic = False
    for section, text, _ in page.prose:
        if not _QUERY_SECTION.search(section):
            continue
        named += [option.lower() for option in _ODATA_OPTION.findall(text)]
        generic = generic or bool(_SUPPORTS_ODATA.search(text))
    if not named and generic:
        named = list(_GENERIC_OPTIONS)
    found: list[Parameter] = []
    folded = {k.casefold() for k in known}
    for option in named:
        if option not in folded:
            folded.add(option)
            found.append(Parameter(option, "query", _STRING, False, ""))
    return found


def _is_relative_page(href: str) -> bool:
    target = href.split("#", 1)[0]
    return target.lower().endswith(".md") and "://" not in target and not target.startswith("/")


def _split_scopes(text: str) -> tuple[str, ...]:
    text = text.strip().rstrip(".")
    if not text or _NOT_SUPPORTED.match(text):
        return ()
    parts = re.split(r",|;|\bor\b|\band\b", text, flags=re.IGNORECASE)  # "A AND B", "A; B"
    return tuple(s.strip().strip("`*_ ") for s in parts if s.strip().strip("`*_ "))


_PLURAL_AFTER = re.compile(r"^\W*(objects|entities|resources|items|instances)\b", re.IGNORECASE)


def _says_collection(sentence: str, link_text: str, type_name: str) -> bool:
    """ "a collection of [x]", "[x] objects", or a plural link text naming a singular
    type (`[identityProviders](identityprovider.md)`)."""
    if "collection" in sentence.lower() or "list of" in sentence.lower():
        return True
    at = sentence.find(link_text)
    if at >= 0 and _PLURAL_AFTER.match(sentence[at + len(link_text) :]):
        return True
    short = type_name.rsplit(".", 1)[-1].casefold()
    text = link_text.strip().casefold()
    return text != short and text.rstrip("s") == short.rstrip("s") and text.endswith("s")


def _alternatives(page: PageFacts, link: Link, sentence: str) -> bool:
    """Whether the sentence offers the linked type as one of several ("[user] and/or
    [group]", "[a] or [b]"): then the response is none of them in particular."""
    others = (o.text for o in page.links if o.line == link.line and o is not link and o.text)
    return any(
        re.search(
            rf"{re.escape(link.text)}\s+(?:objects?\s+)?(?:and/or|or)\s+(?:an?\s+)?{re.escape(o)}",
            sentence,
        )
        for o in others
    )


def _sentence_with(page: PageFacts, line: int, text: str) -> str:
    for _, prose, prose_line in page.prose:
        if prose_line == line and text in prose:
            return prose
    return ""


def _path_parameter(name: str, documented: list[Parameter]) -> Parameter:
    for p in documented:
        if p.location == "path" and p.name.strip("{}").casefold() == name.casefold():
            return Parameter(name, "path", p.type, True, p.description)
    return Parameter(name, "path", _STRING, True, "")


__all__ = ["EndpointBuilder", "PageEndpoint"]


def typed_by_examples(
    endpoints: dict[str, Endpoint], examples: Iterable[Example], index: TypeIndex
) -> dict[str, Endpoint]:
    """`endpoints` with a response type where the page's text names none but its examples'
    response annotations name one (`"@odata.type": "microsoft.graph.chat"`), all the same
    type, of the doc set: the docs name it there."""
    named: dict[str, set[tuple[str, bool]]] = defaultdict(set)
    for example in examples:
        response = example.response
        if example.endpoint and response is not None and response.odata_type:
            named[example.endpoint].add((response.odata_type, bool(response.is_collection)))
    typed = dict(endpoints)
    for endpoint_id, types in named.items():
        endpoint = endpoints.get(endpoint_id)
        if endpoint is None or endpoint.response.type is not None or len(types) != 1:
            continue
        if endpoint.method == "DELETE" or endpoint.response.status in (202, 204):
            continue
        ((name, collection),) = types
        ref = index.ref_for_name(name, collection)
        if ref.kind in (RESOURCE, ENUM):
            spec = replace(endpoint.response, type=ref)
            typed[endpoint_id] = replaced(endpoint, response=spec)
    return typed
