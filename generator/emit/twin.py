"""The stateful twin: the documented API as a store of entities, with OData queries.

Standard library only, no docgen imports: the server target ships this file as
it is (`server/<package>/twin.py`), and `docgen serve --mode stateful` runs it
in-process. The runtime (`runtime.py`) asks the twin first; what it does not
answer (`None`: other functions and actions) gets a documented answer.

What a route means comes from its template and types alone (`routes.json`),
and the doc set's aliases: `/me` leads to the entity of `/users` that the
documented `GET /me` answers with, so `/me/events` and `/users/{that id}/events`
are one collection.

- `.../{key}`: one entity of the collection before it (GET, PATCH, PUT, DELETE);
- a path that a GET lists a collection at: the collection (GET lists, with
  `$filter`, `$select`, `$orderby`, `$top`, `$skip`, `$skiptoken`, `$count`,
  `$search`, `$expand`; POST creates); `.../$count` counts it;
- a GET of one entity at a path without a key (`/me`, `/groups/{id}/drive`): a
  singleton, stored at that path once seeded or written;
- `.../delta`: every entity of the collection, then the changes since a token;
- `.../content` and `.../$value`: bytes, stored as PUT;
- `.../$ref`: a reference added (POST) or removed (DELETE);
- a POST answering a type with an `uploadUrl`: an upload session on the twin.

Collections are kept by their concrete path (literal segments case-folded), so
containment is the path itself: a thread created under one group is listed under
that group only. The store is seeded from the documented GET answers; a value
that does not fit its documented type (`"datetime-value"` where a DateTimeOffset
is documented) is replaced with a valid one and named in `X-Docgen-Repaired`.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
import threading
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from .odata import KEY, ODataError, listed, query_options, select, whole_number
from .values import Values, now

REPAIRED_HEADER = "X-Docgen-Repaired"
_STAMPED = ("createdDateTime", "lastModifiedDateTime")  # set by the twin when the type has them
UPLOAD_URL = "uploadUrl"  # the property that makes a type an upload session (resumable upload)
UPLOADS_PATH = "/_docgen/uploads/"  # where the twin takes the bytes of its upload sessions
BYTES = "application/octet-stream"
_CONTENT_RANGE = re.compile(r"^bytes\s+(\d+)-(\d+)/(\d+)$", re.IGNORECASE)


@dataclass
class Answer:
    """What the twin answers: status, body (JSON data, bytes or None), headers."""

    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    media_type: str | None = "application/json"


# ----- the store ------------------------------------------------------------------------------


@dataclass
class Collection:
    """The entities at one concrete path, by key, in the order they came; with the
    versions delta reads (a counter that only grows) and the keys removed."""

    entities: dict[str, dict[str, Any]] = field(default_factory=dict)
    versions: dict[str, int] = field(default_factory=dict)
    removed: dict[str, int] = field(default_factory=dict)
    repaired: dict[str, list[str]] = field(default_factory=dict)
    type: str | None = None  # what its route lists (None: not known yet)


@dataclass
class Upload:
    """An upload session: where its entity goes, the bytes so far, the name asked for."""

    place: str
    data: bytearray
    name: str | None


@dataclass(frozen=True)
class Shape:
    """What a route is to the twin (see the module)."""

    kind: str  # "item", "collection", "count", "singleton", "delta", "media", ""
    type: str | None  # the entity type


class Asked(NamedTuple):
    """A request as the twin's handlers read it."""

    method: str
    place: str  # the store path (see `Twin.place`)
    shape: Shape
    options: dict[str, str]  # the OData options
    body: Any
    link: Callable[[str, list[tuple[str, str]]], str]  # a URL on the twin
    route: Mapping[str, Any]


def _segments(path: str) -> list[str]:
    return [s for s in path.strip("/").split("/") if s]


def _is_param(segment: str) -> bool:
    return segment.startswith("{") and segment.endswith("}")


class Twin:
    """The store and the answers (see the module). Thread-safe: one lock."""

    def __init__(
        self,
        routes: list[Mapping[str, Any]],
        examples: Mapping[str, Any],
        types: Any,
        aliases: Iterable[tuple[str, str]] | None = None,
    ):
        self.routes = routes
        # literal prefixes (`/me`) that stand for one entity of a collection (`/users/{id}`)
        self.aliases = [
            (prefix.casefold().rstrip("/"), target)
            for prefix, target in aliases or ()
            if "{" not in prefix and _segments(target) and _is_param(_segments(target)[-1])
        ]
        self.aliased: dict[str, str] = {}  # prefix -> the store path of its entity
        self.examples = examples
        self.types = types
        self.values = Values(types)
        self.lock = threading.Lock()
        self.listed_at = {
            r["template"].casefold()
            for r in routes
            if r["method"] == "GET" and r["response"] and r["response"]["collection"]
        }
        self._shapes: dict[str, Shape] = {}
        self._fit: dict[int, bool] = {}  # documented responses (kept in `examples`) that fit
        self.store: dict[str, Collection] = {}
        self.singletons: dict[str, dict[str, Any]] = {}
        self.media: dict[str, tuple[bytes, str]] = {}
        self.uploads: dict[str, Upload] = {}
        self.clock = 0
        self.repairs = 0  # documented entities with values repaired when seeding
        self.unfit = 0  # documented answers not seeded: not of their route's type
        self.reset()

    # ----- what a route is

    def shape(self, route: Mapping[str, Any]) -> Shape:
        key = str(route["endpoint"])
        if key not in self._shapes:
            self._shapes[key] = self._shape(route)
        return self._shapes[key]

    def _shape(self, route: Mapping[str, Any]) -> Shape:
        template = str(route["template"])
        segments = _segments(template)
        response = route.get("response") or {}
        typ = response.get("type")
        resource = self.types.resource(typ)
        if route["method"] == "POST" and resource and UPLOAD_URL in self.types.properties(resource):
            return Shape("session", typ)  # `createUploadSession`: see `upload`
        if route.get("flexible") or not segments or any("(" in s for s in segments):
            return Shape("", typ)
        last = segments[-1]
        parent = "/" + "/".join(segments[:-1])
        if last.lower() == "$count" and parent.casefold() in self.listed_at:
            return Shape("count", typ)
        if last.lower() in ("content", "$value"):
            return Shape("media", typ)
        if last.lower() == "delta" and parent.casefold() in self.listed_at:
            return Shape("delta", typ)
        if last.lower() == "$ref" and route["method"] in ("POST", "DELETE"):
            return Shape("ref", typ)
        if last.startswith("$"):
            return Shape("", typ)
        if _is_param(last) and (self.types.resource(typ) or parent.casefold() in self.listed_at):
            return Shape("item", typ)
        if template.casefold() in self.listed_at:
            return Shape("collection", typ)
        single = self.types.resource(typ) is not None and not response.get("collection")
        if route["method"] in ("GET", "PATCH", "PUT") and single:
            return Shape("singleton", typ)
        return Shape("", typ)

    @staticmethod
    def place(route: Mapping[str, Any], path: str, upto: int | None = None) -> str | None:
        """The store path of a concrete `path` under `route`: the template's literal
        segments case-folded, its parameters as sent (None when they do not line up)."""
        template = _segments(str(route["template"]))
        concrete = _segments(path)
        if len(template) != len(concrete):
            return None
        upto = len(template) if upto is None else upto
        parts = [
            c if _is_param(t) else t.casefold()
            for t, c in zip(template[:upto], concrete[:upto], strict=True)
        ]
        return "/" + "/".join(parts)

    # ----- seeding

    def reset(self) -> None:
        """Forget every change: the store as the documented examples seed it."""
        with self.lock:
            self.store, self.singletons, self.media, self.uploads = {}, {}, {}, {}
            self.clock, self.repairs, self.unfit = 0, 0, 0
            for route in self.routes:
                if route["method"] == "GET":
                    for example_id in route["examples"]:
                        self._seed(route, self.examples.get(example_id))
            self._seed_aliases()

    def _seed_aliases(self) -> None:
        """Each alias's entity (`/me`: the documented answer to `GET /me`) is also an
        entity of the target's collection (`/users`), and the alias leads to it there."""
        self.aliased = {}
        for prefix, target in self.aliases:
            entity = self.singletons.get(prefix)
            key = str(entity.get(KEY) or "") if entity is not None else ""
            if entity is None or not key:
                continue
            owner = "/" + "/".join(s.casefold() for s in _segments(target)[:-1])
            collection = self.store.setdefault(owner, Collection())
            if key not in collection.entities:
                self._put(collection, key, dict(entity))
            self.aliased[prefix] = f"{owner}/{key}"
        self.aliased = {prefix: self.unaliased(path) for prefix, path in self.aliased.items()}
        for place in [p for p in self.store if self.unaliased(p) != p]:
            moved = self.store.pop(place)
            kept = self.store.setdefault(self.unaliased(place), Collection())
            for key, entity in moved.entities.items():
                if key not in kept.entities:
                    self._put(kept, key, entity)
                    if key in moved.repaired:
                        kept.repaired[key] = moved.repaired[key]
        for place in [p for p in self.singletons if self.unaliased(p) != p]:
            self.singletons.setdefault(self.unaliased(place), self.singletons.pop(place))

    def unaliased(self, place: str) -> str:
        """The store path `place` stands for (`/me/events` -> `/users/<my id>/events`;
        an alias whose target holds another, `/me/calendar`, is followed through both)."""
        for _ in range(len(self.aliased)):
            longest = max(
                (p for p in self.aliased if place == p or place.startswith(p + "/")),
                key=len,
                default=None,
            )
            if longest is None:
                break
            place = self.aliased[longest] + place[len(longest) :]
        return place

    def _seed(self, route: Mapping[str, Any], example: Mapping[str, Any] | None) -> None:
        shape = self.shape(route)
        if example is None or shape.kind not in ("item", "collection", "singleton"):
            return
        response = example["response"]
        body = response["body"] if response["json"] else None
        place = self.place(route, str(example["request"]["path"]))
        if place is None or not isinstance(body, dict) or response["status"] >= 300:
            return
        if shape.kind == "collection":
            items = body.get("value")
            for item in items if isinstance(items, list) else []:
                self._seed_entity(place, item, shape.type)
        elif shape.kind == "item":
            self._seed_entity(place.rsplit("/", 1)[0], body, shape.type, place.rsplit("/", 1)[1])
        else:
            fitted = self._fitted(body, shape.type)
            if fitted is not None:
                self.singletons.setdefault(place, fitted[0])

    def _fitted(self, body: Any, typ: str | None) -> tuple[dict[str, Any], list[str]] | None:
        """A documented entity as the twin keeps it: values that do not fit repaired (and
        where), `{"value": {...}}` for one entity unwrapped; None when it is not one of
        `typ` even then (an entity of another type, kinds that still do not match)."""
        resource = self.types.resource(typ)
        if resource is None or not isinstance(body, dict):
            return None
        if "value" in body and "value" not in self.types.properties(resource):
            if not isinstance(body["value"], dict) or any(
                k[:1] != "@" for k in body if k != "value"
            ):
                self.unfit += 1
                return None
            body = body["value"]  # `{"value": {...}}` for one entity (Intune's pages)
        derived = self.types.resource(body.get("@odata.type"))
        if derived is not None and not self.types.derives(derived, resource):
            self.unfit += 1
            return None
        entity = _plain(copy.deepcopy(body))
        repaired = self.values.repair(entity, resource, "")
        if self.types.check(entity, resource, False, "body") is not None:
            self.unfit += 1
            return None
        self.repairs += bool(repaired)
        return entity, repaired

    def _seed_entity(self, place: str, body: Any, typ: str | None, key: str | None = None) -> None:
        key = str(body.get(KEY) or key or "") if isinstance(body, dict) else ""
        fitted = self._fitted(body, typ) if key else None
        if fitted is None:
            return
        entity, repaired = fitted
        collection = self.store.setdefault(place, Collection())
        collection.type = collection.type or typ
        if key not in collection.entities:
            entity.setdefault(KEY, key)
            self._put(collection, key, entity)
            if repaired:
                collection.repaired[key] = repaired

    def _put(
        self, collection: Collection, key: str, entity: dict[str, Any], written: bool = False
    ) -> None:
        """Keep `entity`; `written` (by a request): its ETag, if it has one, changes."""
        self.clock += 1
        if written and "@odata.etag" in entity:
            entity["@odata.etag"] = f'W/"{self.clock}"'
        if written and "eTag" in entity:
            entity["eTag"] = f'"{key},{self.clock}"'
        collection.entities[key] = entity
        collection.versions[key] = self.clock
        collection.removed.pop(key, None)

    # ----- answers

    def answer(
        self,
        route: Mapping[str, Any],
        path: str,
        query: list[tuple[str, str]],
        body: Any,
        link: Callable[[str, list[tuple[str, str]]], str],
    ) -> Answer | None:
        """The twin's answer to a request on `route`, None when it has none (the caller
        then gives the documented one). `link(path, query)`: a URL on the twin."""
        shape = self.shape(route)
        if not shape.kind:
            return None
        options = query_options(query)
        method = str(route["method"])
        place = self.place(route, path)
        if shape.kind == "session":  # (any path, `root:/a.txt:` forms too)
            place = "/" + "/".join(_segments(path.casefold()))
        if place is None:
            return None
        if shape.kind == "item" and place.endswith("/$count"):  # `/users/$count` as `/users/{id}`
            shape = Shape("count", shape.type)
        aliased = self.unaliased(place)
        if aliased != place and shape.kind == "singleton" and aliased in self.aliased.values():
            shape = Shape("item", shape.type)  # `/me`: an entity of `/users`
        place = aliased
        with self.lock:
            handler = getattr(self, f"_{shape.kind}")
            answer: Answer | None = handler(Asked(method, place, shape, options, body, link, route))
            return answer

    def _collection(self, asked: Asked) -> Answer | None:
        method, place, shape, options, body, link, route = asked
        if place not in self.store:
            self._parent_exists(place)
        collection = self.store.setdefault(place, Collection())
        collection.type = collection.type or shape.type
        if method == "POST":
            return self._create(place, collection, shape, body, link, route)
        if method != "GET":
            return None
        page, count, following = listed(list(collection.entities.values()), options)
        value = [self._shown(place, e, options) for e in page]
        answer: dict[str, Any] = {}
        if options.get("$count", "").lower() == "true":
            answer["@odata.count"] = count
        answer["value"] = value
        if following is not None:
            kept = [(k, v) for k, v in options.items() if k not in ("$skip", "$skiptoken")]
            answer["@odata.nextLink"] = link(place, [*kept, ("$skiptoken", str(following))])
        return Answer(200, answer, self._repaired_header(collection, [e.get(KEY) for e in page]))

    def _create(
        self,
        place: str,
        collection: Collection,
        shape: Shape,
        body: Any,
        link: Any,
        route: Mapping[str, Any],
    ) -> Answer:
        problem = self.values.problem(body, self.types.resource(shape.type))
        if problem:
            raise ODataError(400, "BadRequest", f"Invalid object: {problem}")
        entity = _plain(copy.deepcopy(body))
        key = str(entity.get(KEY) or uuid.uuid4())
        if key in collection.entities:
            raise ODataError(409, "Conflict", f"An object with id {key} already exists.")
        entity[KEY] = key
        resource = self.types.resource(entity.get("@odata.type")) or self.types.resource(shape.type)
        known = self.types.properties(resource) if resource else {}
        stamp = now()
        for name in _STAMPED:
            if name in known and not entity.get(name):
                entity[name] = stamp
        if "eTag" in known:
            entity.setdefault("eTag", "")
        self._put(collection, key, entity, written=True)
        status = int(route["status"]) if int(route["status"]) in (200, 201) else 201
        headers = {"Location": link(f"{place}/{key}", []), **_etag(entity)}
        return Answer(status, dict(entity), headers)

    def _item(self, asked: Asked) -> Answer | None:
        method, place, shape, options, body, link, route = asked
        owner, _, key = place.rpartition("/")
        collection = self.store.get(owner)
        entity = collection.entities.get(key) if collection is not None else None
        if entity is None or collection is None:
            raise ODataError(404, "NotFound", f"Resource '{key}' does not exist.")
        status = int(route["status"])
        if method == "GET":
            shown = self._shown(place, entity, options)
            return Answer(200, shown, {**self._repaired_header(collection, [key]), **_etag(entity)})
        if method == "DELETE":
            del collection.entities[key]
            kept: dict[str, Any]
            for kept in (self.store, self.singletons, self.media):
                for below in [p for p in kept if p.startswith(place + "/")]:
                    del kept[below]
            self.clock += 1
            collection.removed[key] = self.clock
            collection.versions.pop(key, None)
            return Answer(204)
        if method in ("PATCH", "PUT"):
            resource = self.types.resource(entity.get("@odata.type")) or self.types.resource(
                shape.type
            )
            problem = self.values.problem(body, resource)
            if problem:
                raise ODataError(400, "BadRequest", f"Invalid object: {problem}")
            updated = dict(entity) if method == "PATCH" else {KEY: key}
            updated.update(_plain(copy.deepcopy(body)))
            updated[KEY] = key
            if "lastModifiedDateTime" in (self.types.properties(resource) if resource else {}):
                updated["lastModifiedDateTime"] = now()
            self._put(collection, key, updated, written=True)
            collection.repaired.pop(key, None)
            if status in (204, 0) or status >= 300:
                return Answer(204)
            return Answer(200, dict(updated), _etag(updated))
        return None

    def _singleton(self, asked: Asked) -> Answer | None:
        method, place, shape, options, body, link, route = asked
        entity = self.singletons.get(place)
        if method == "GET":
            return None if entity is None else Answer(200, self._shown(place, entity, options))
        if method in ("PATCH", "PUT"):
            problem = self.values.problem(body, self.types.resource(shape.type))
            if problem:
                raise ODataError(400, "BadRequest", f"Invalid object: {problem}")
            updated = dict(entity or {}) if method == "PATCH" else {}
            updated.update(_plain(copy.deepcopy(body)))
            self.singletons[place] = updated
            return Answer(204) if int(route["status"]) in (204, 0) else Answer(200, dict(updated))
        return None

    def _count(self, asked: Asked) -> Answer | None:
        method, place, shape, options, body, link, route = asked
        owner = place.rsplit("/", 1)[0]
        if method != "GET" or owner not in self.store:
            return None
        _, count, _ = listed(list(self.store[owner].entities.values()), options)
        return Answer(200, str(count).encode(), media_type="text/plain")

    def _delta(self, asked: Asked) -> Answer | None:
        method, place, shape, options, body, link, route = asked
        owner = place.rsplit("/", 1)[0]
        if method != "GET":
            return None
        collection = self.store.setdefault(owner, Collection())
        since = (
            whole_number("$deltatoken", options["$deltatoken"]) if "$deltatoken" in options else 0
        )
        changed = [
            dict(collection.entities[k]) for k, v in collection.versions.items() if v > since
        ]
        gone = [
            {KEY: k, "@removed": {"reason": "deleted"}}
            for k, v in collection.removed.items()
            if v > since
        ]
        fields = options.get("$select")
        value = [select(e, fields.split(",")) if fields else e for e in changed] + gone
        return Answer(
            200,
            {"value": value, "@odata.deltaLink": link(place, [("$deltatoken", str(self.clock))])},
        )

    def _ref(self, asked: Asked) -> Answer | None:
        """`POST .../members/$ref` with `{"@odata.id": ".../users/{id}"}` adds a reference
        to an entity the twin has; `DELETE .../members/{id}/$ref` removes one."""
        method, place, shape, options, body, link, route = asked
        place = place.rsplit("/", 1)[0]  # (without `/$ref`)
        if method == "DELETE":
            owner, _, key = place.rpartition("/")
            collection = self.store.get(owner)
            if collection is None or key not in collection.entities:
                raise ODataError(404, "NotFound", f"No reference to '{key}' here.")
            del collection.entities[key]
            self.clock += 1
            collection.removed[key] = self.clock
            collection.versions.pop(key, None)
            return Answer(204)
        target = body.get("@odata.id") if isinstance(body, dict) else None
        if not isinstance(target, str) or not target.strip("/"):
            raise ODataError(
                400, "BadRequest", 'A reference needs "@odata.id": the URL of an entity.'
            )
        found = self._referenced(target)
        if found is None:
            raise ODataError(404, "NotFound", f"No entity at {target}.")
        entity, typ = found
        if place not in self.store:
            self._parent_exists(place)
        collection = self.store.setdefault(place, Collection())
        key = str(entity[KEY])
        if key in collection.entities:
            raise ODataError(400, "BadRequest", f"A reference to '{key}' is already there.")
        referenced = dict(entity)
        if typ and typ != shape.type and "@odata.type" not in referenced:
            referenced["@odata.type"] = f"#{typ}"  # (`members` of a group: users, groups...)
        self._put(collection, key, referenced)
        return Answer(204)

    def _referenced(self, url: str) -> tuple[dict[str, Any], str | None] | None:
        """The entity an `@odata.id` names, and the type its collection lists: its last
        segment is the key; the collection named by the segment before it first, else
        any top-level collection with it."""
        segments = _segments(url.split("://", 1)[-1].split("?", 1)[0])
        key = segments[-1]
        named = segments[-2].casefold() if len(segments) > 1 else ""
        top = sorted(
            (p for p in self.store if p.count("/") == 1),
            key=lambda p: p.rsplit("/", 1)[-1] != named,
        )
        for place in [*top, *(p for p in self.store if p.count("/") > 1)]:
            entity = self.store[place].entities.get(key)
            if entity is not None:
                return entity, self.store[place].type
        return None

    def _session(self, asked: Asked) -> Answer | None:
        """An upload session: its `uploadUrl` on the twin; the bytes PUT there (see
        `upload`) become an entity of the collection the session was asked of."""
        method, place, shape, options, body, link, route = asked
        token = uuid.uuid4().hex
        named = [v.get("name") for v in (body or {}).values() if isinstance(v, dict)]
        name = next((n for n in named if isinstance(n, str)), None)
        self.uploads[token] = Upload(place.rsplit("/", 1)[0], bytearray(), name)
        expires = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
        session = {
            UPLOAD_URL: link(f"{UPLOADS_PATH}{token}", []),
            "expirationDateTime": expires.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "nextExpectedRanges": ["0-"],
        }
        status = int(route["status"]) if int(route["status"]) in (200, 201) else 200
        return Answer(status, session)

    def upload(
        self, token: str, content_range: str, data: bytes, link: Callable[..., str]
    ) -> Answer:
        """A part of an upload (`Content-Range: bytes a-b/total`): 202 with the next
        range expected, or, with the last part, 201 and the entity made of it."""
        with self.lock:
            upload = self.uploads.get(token)
            if upload is None:
                raise ODataError(404, "NotFound", "No such upload session (it ended or was reset).")
            m = _CONTENT_RANGE.match(content_range.strip())
            if m is None:
                raise ODataError(400, "BadRequest", "Content-Range must be bytes FIRST-LAST/TOTAL.")
            first, last, total = (int(g) for g in m.groups())
            if first != len(upload.data) or last - first + 1 != len(data) or last >= total:
                expected = f"{len(upload.data)}-"
                raise ODataError(416, "InvalidRange", f"The next expected range is {expected}.")
            upload.data += data
            if len(upload.data) < total:
                return Answer(202, {"nextExpectedRanges": [f"{len(upload.data)}-"]})
            del self.uploads[token]
            key = str(uuid.uuid4())
            entity = {KEY: key, "name": upload.name or key, "size": total}
            collection = self.store.setdefault(upload.place, Collection())
            self._put(collection, key, entity, written=True)
            for media in ("content", "$value"):
                self.media[f"{upload.place}/{key}/{media}"] = (bytes(upload.data), BYTES)
            return Answer(201, dict(entity), {"Location": link(f"{upload.place}/{key}", [])})

    def cancel_upload(self, token: str) -> None:
        with self.lock:
            if self.uploads.pop(token, None) is None:
                raise ODataError(404, "NotFound", "No such upload session (it ended or was reset).")

    def _media(self, asked: Asked) -> Answer | None:
        method, place, shape, options, body, link, route = asked
        if method == "PUT":
            data = body if isinstance(body, bytes) else _as_bytes(body)
            self.media[place] = (data, BYTES)
            owner, _, key = place.rpartition("/")[0].rpartition("/")
            resource = self.types.resource(shape.type)
            if not owner or not key or ":" in key or resource is None:
                return None  # (`root:/a.txt:/content`: the documented answer follows)
            collection = self.store.setdefault(owner, Collection())  # the item, made or kept
            collection.type = collection.type or shape.type
            known = collection.entities.get(key)
            entity: dict[str, Any] = dict(known) if known is not None else {KEY: key}
            if "size" in self.types.properties(resource):
                entity["size"] = len(data)
            self._put(collection, key, entity, written=True)
            return Answer(200 if known is not None else 201, dict(entity), _etag(entity))
        if method == "GET":  # (nothing stored: no bytes, rather than the docs' bare 302)
            data, media_type = self.media.get(place, (b"", BYTES))
            return Answer(200, data, media_type=media_type)
        return None

    def fits(self, response: Mapping[str, Any], typ: str | None, collection: bool) -> bool:
        """Whether a documented response is of the documented type (by JSON kinds, once
        repaired): what a twin prefers to answer with."""
        if not response.get("json") or typ is None:
            return not response.get("json")
        known = self._fit.get(id(response))
        if known is None:
            body, _ = self.repaired(response.get("body"), typ, collection)
            known = self._fit[id(response)] = (
                self.types.check_response(body, typ, collection) is None
            )
        return known

    def repaired(self, body: Any, typ: str | None, collection: bool) -> tuple[Any, list[str]]:
        """A documented answer (`{"value": [...]}` for a collection) with the values that
        do not fit their type repaired, and where (the body is not changed)."""
        resource = self.types.resource(typ)
        if resource is None or not isinstance(body, dict):
            return body, []
        fixed = copy.deepcopy(body)
        items = fixed.get("value")
        if isinstance(items, list) and (
            collection or "value" not in self.types.properties(resource)
        ):
            places = [
                where
                for i, item in enumerate(items)
                for where in self.values.repair(item, typ, f"value[{i}]")
            ]
        else:
            places = self.values.repair(fixed, typ, "")
        return fixed, places

    # ----- helpers

    def _parent_exists(self, place: str) -> None:
        """A collection under an entity (`/groups/G/threads`) is made only while the
        entity is there: 404 when the twin knows the entity's collection but not the
        entity. (The documented collections are there from the start; a DELETE takes
        what is under the entity with it.)"""
        owner, _, _ = place.rpartition("/")
        grand, _, key = owner.rpartition("/")
        parent = self.store.get(grand)
        if parent is not None and key not in parent.entities:
            raise ODataError(404, "NotFound", f"Resource '{key}' does not exist.")

    def _shown(
        self, place: str, entity: Mapping[str, Any], options: Mapping[str, str]
    ) -> dict[str, Any]:
        shown = dict(entity)
        expand = [
            e.strip().split("(")[0] for e in options.get("$expand", "").split(",") if e.strip()
        ]
        for name in expand:
            if name == "*":
                continue
            key = entity.get(KEY)
            base = f"{place}/{key}" if key is not None and not place.endswith(f"/{key}") else place
            related = self.store.get(f"{base}/{name.casefold()}")
            if related is not None:
                shown[name] = list(related.entities.values())
            elif f"{base}/{name.casefold()}" in self.singletons:
                shown[name] = self.singletons[f"{base}/{name.casefold()}"]
        if "$select" in options:
            shown = select(shown, options["$select"].split(",") + expand)
        return shown

    @staticmethod
    def _repaired_header(collection: Collection, keys: Iterable[Any]) -> dict[str, str]:
        places = [
            f"{key}:{where}" for key in keys for where in collection.repaired.get(str(key), [])
        ]
        return {REPAIRED_HEADER: ", ".join(places)[:4000]} if places else {}


def _etag(entity: Mapping[str, Any]) -> dict[str, str]:
    """The `ETag` header of an entity that has one (`@odata.etag`, or an `eTag` property)."""
    tag = entity.get("@odata.etag") or entity.get("eTag")
    return {"ETag": tag} if isinstance(tag, str) and tag else {}


def _plain(value: Any) -> Any:
    """JSON data without the docs' `@odata.context` / `@odata.etag` of another service."""
    if isinstance(value, dict):
        return {k: v for k, v in value.items() if k not in ("@odata.context",)}
    return value


def _as_bytes(body: Any) -> bytes:
    if body is None:
        return b""
    if isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode("utf-8")
    return json.dumps(body).encode("utf-8")
