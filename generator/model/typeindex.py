"""Which names and pages define which types, for resolving type references.

Type references arrive as links (`[recipient](recipient.md) collection`),
bare words (`recipient`), or qualified names (`microsoft.graph.recipient`).
The index answers all three; matching is case-insensitive because doc sets
spell type names and file names with loose case.
"""

from __future__ import annotations

import hashlib
import posixpath
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from generator.model.typeref import ParsedType
from generator.model.types import PRIMITIVE, RESOURCE, UNRESOLVED, TypeRef


@lru_cache(maxsize=65536)
def _fold_name(name: str) -> str:
    return "".join(ch for ch in name.casefold() if ch.isalnum())


@dataclass
class TypeIndex:
    namespace: str
    pages: frozenset[str] = frozenset()  # every page path in the doc set
    kinds: dict[str, str] = field(default_factory=dict)  # qualified name -> resource/enum
    _by_qualified: dict[str, str] = field(default_factory=dict)  # casefolded -> qualified
    _by_short: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    _by_page: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    _pages_folded: dict[str, str] = field(default_factory=dict)
    _added: list[str] = field(default_factory=list)

    def qualify(self, name: str, namespace: str | None = None) -> str:
        """`recipient` -> `microsoft.graph.recipient` (or in `namespace`, a page's own);
        `#x.y` -> `x.y`."""
        name = name.strip().lstrip("#")
        return name if "." in name else f"{namespace or self.namespace}.{name}"

    def add(self, qualified: str, kind: str, page: str) -> None:
        if qualified in self.kinds:
            return
        self.kinds[qualified] = kind
        self._by_qualified.setdefault(qualified.casefold(), qualified)
        self._by_short[qualified.rsplit(".", 1)[-1].casefold()].append(qualified)
        self._by_page[page].append(qualified)
        self._added.append(f"{qualified}\0{kind}\0{page}")

    def set_pages(self, pages: frozenset[str]) -> None:
        self.pages = pages
        self._pages_folded = {p.casefold(): p for p in pages}

    def digest(self) -> str:
        """Everything an answer of the index depends on: resolve reuses what a page
        resolved against the index when this is unchanged."""
        sha = hashlib.sha256(self.namespace.encode())
        for item in (*sorted(self.pages), "", *self._added):
            sha.update(item.encode("utf-8", "surrogatepass") + b"\0")
        return sha.hexdigest()

    def lookup_name(self, name: str, namespace: str | None = None) -> str | None:
        """A qualified or short type name -> the defined qualified name. A short name
        is read in `namespace` (the page's own, see `page_namespace`) first, then as
        the one type of that name, then in the doc set's default namespace."""
        name = name.strip().lstrip("#")
        if "." in name:
            found = self._by_qualified.get(name.casefold())
            if found is not None:
                return found
            name = name.rsplit(".", 1)[-1]
        elif namespace is not None:
            found = self._by_qualified.get(f"{namespace}.{name}".casefold())
            if found is not None:
                return found
        candidates = self._by_short.get(name.casefold(), [])
        if len(candidates) == 1:
            return candidates[0]
        default = f"{self.namespace}.{name}".casefold()
        return self._by_qualified.get(default)

    def resolve_link(self, page: str, href: str) -> tuple[str | None, bool]:
        """A link target -> (page path in the doc set or None, matched only by case)."""
        target = href.split("#", 1)[0].split("?", 1)[0]
        if not target or "://" in target or target.startswith("/"):
            return None, False
        joined = posixpath.normpath(posixpath.join(posixpath.dirname(page), target))
        if joined in self.pages:
            return joined, False
        folded = self._pages_folded.get(joined.casefold())
        return folded, folded is not None

    def types_on_page(self, page: str) -> list[str]:
        return self._by_page.get(page, [])

    def page_namespace(self, page: str) -> str | None:
        """The namespace of the types `page` defines, when they share one: where an
        unqualified name on the page is read first ("Namespace: microsoft.graph.callRecords"
        under the title puts the page's types there, `resources.page_namespace`, and its
        `callType` is callRecords.callType although microsoft.graph has one too)."""
        spaces = {t.rsplit(".", 1)[0] for t in self.types_on_page(page)}
        return spaces.pop() if len(spaces) == 1 else None

    def pick_on_page(self, page: str, name: str) -> str | None:
        """The type a link to `page` means: the one named like the link text,
        else the one named like the page, else the page's only (or first)
        resource — an enum defined on a resource's page is never the default."""
        defined = self.types_on_page(page)
        if not defined:
            return None
        wanted = _fold_name(name)
        stem = _fold_name(posixpath.splitext(posixpath.basename(page))[0])
        for key in (wanted, stem):
            found = next((t for t in defined if _fold_name(t.rsplit(".", 1)[-1]) == key), None)
            if found is not None:
                return found
        resources = [t for t in defined if self.kinds[t] == RESOURCE]
        return resources[0] if resources else defined[0]

    def to_ref(self, parsed: ParsedType, page: str) -> tuple[TypeRef, str | None]:
        """Resolve a parsed Type cell; the second item is why it did not resolve."""
        if parsed.primitive:
            return TypeRef(parsed.name, PRIMITIVE, parsed.collection), None
        namespace = self.page_namespace(page)
        linked = self.linked_type(parsed, page)
        if linked is not None and self.read_link(parsed.name, linked, namespace):
            return TypeRef(linked, self.kinds[linked], parsed.collection), None
        found = self.lookup_name(parsed.name, namespace)
        if found is not None:
            return TypeRef(found, self.kinds[found], parsed.collection), None
        return (
            TypeRef(self.qualify(parsed.name), UNRESOLVED, parsed.collection),
            f'type "{parsed.name}" is not defined in the doc set',
        )

    def linked_type(self, parsed: ParsedType, page: str) -> str | None:
        """The type the cell's link leads to (see `pick_on_page`), if it has a link."""
        if parsed.primitive or parsed.link is None:
            return None
        target, _ = self.resolve_link(page, parsed.link)
        return self.pick_on_page(target, parsed.name) if target is not None else None

    def text_names_other(self, text: str, linked: str, namespace: str | None = None) -> str | None:
        """The type a link's text names when the doc set defines it and it is not the
        one the link leads to (`[invitationParticipantInfo](participantinfo.md)`);
        None when they agree."""
        if _fold_name(text.rsplit(".", 1)[-1]) == _fold_name(linked.rsplit(".", 1)[-1]):
            return None
        named = self.lookup_name(text, namespace)
        return named if named is not None and named != linked else None

    def read_link(self, text: str, linked: str, namespace: str | None = None) -> bool:
        """Whether a Type cell whose link leads to `linked` means that type. Where the
        text names another type the doc set defines, the text is what the writer meant
        and the link a slip (`[invitationParticipantInfo](participantinfo.md)`), unless
        the text only shortens the linked type's name (`[servicePrincipal](provisioning
        serviceprincipal.md)`, `[attachment](fileattachment.md)`)."""
        if self.text_names_other(text, linked, namespace) is None:
            return True
        return _fold_name(linked.rsplit(".", 1)[-1]).endswith(_fold_name(text.rsplit(".", 1)[-1]))

    def ref_for_name(self, name: str, collection: bool = False) -> TypeRef:
        found = self.lookup_name(name)
        if found is None:
            return TypeRef(self.qualify(name), UNRESOLVED, collection)
        return TypeRef(found, self.kinds[found], collection)
