"""`docgen rules` and `docgen check --explain CODE`: each rule with an example that triggers it."""

from __future__ import annotations

from generator.diagnostics import RULES

_FENCE = "```"

EXAMPLES: dict[str, str] = {
    "F001": "A page saved as Latin-1: `caf\\xe9` is not UTF-8.",
    "F002": "---\ntitle: [unclosed\n---",
    "F003": "---\ntitle: Get user\n---   (schema-config.json requires author, ms.prod, doc_type...)",
    "F004": "A generated page of 5 MB.",
    "F005": "A generated page of 200,000 table rows (|p1|String|d|, ...): under the size limit, "
    "but its tokens would take a gigabyte to parse.",
    "F006": "api/user-get.md -> /home/me/notes/user-get.md   (a link to a file outside the doc set)",
    "F007": "A page on which markdown-it-py raises (`\\t1. <pre>_\\n> \\t1. <pre>_\\n> `, version 4.0).",
    "A001": '<!-- { "blockType": "request" "name": } -->',
    "A002": "<!-- { blockType: 'request', } -->",
    "A003": '<!-- { "blockType": "reqest" } -->',
    "A004": '<!-- { "blockType": "response" } -->\n\nHere is the response (but no fenced block follows).',
    "A005": '<!-- { "blockType": "response", "optionalProperty": ["id"] } -->   (optionalProperties)',
    "A006": 'Two pages both annotate a request with "name": "get_user".',
    "A007": '<!-- { "type": "#page.annotation" } -->\n\n## See also   (content after the page annotation)',
    "A008": '<!-- { "blockType": "response", "truncated": "true" } -->',
    "H001": f"{_FENCE}http\nfetch the user\n{_FENCE}   (in a request block)",
    "H002": f'<!-- {{ "blockType": "response" }} -->\n{_FENCE}http\n{{ "id": "1" }}\n{_FENCE}',
    "H003": f"{_FENCE}http\nHTTP/1.1 201 OK\n{_FENCE}",
    "H004": f"{_FENCE}http\nGET /me\nAuthorization Bearer x\n{_FENCE}",
    "H005": f"## HTTP request\n{_FENCE}http\nGET /me\nthen follow the link\n{_FENCE}",
    "H006": "A method page (doc_type: apiPageType) with no ## HTTP request block.",
    "J001": f'{_FENCE}http\nHTTP/1.1 200 OK\n\n{{ "id": "1", }}\n{_FENCE}   (trailing comma)',
    "J002": f'{_FENCE}http\nHTTP/1.1 200 OK\n\n{{ "id": "1" "name": }}\n{_FENCE}',
    "T001": "## Notes\n| Foo | Bar |\n|-----|-----|\n| 1   | 2   |",
    "T002": "| manager | see below | The manager. |   (a Type cell that names no type)",
    "T003": "| X-Sample-Header | string | Sample HTTP header. Update accordingly or remove if not needed |",
    "T004": "The following **scopes** are required to execute this API:   (and none follow)",
    "T005": "| a | b |\n|---|---|\n| 1 | 2 | 3 |",
    "T006": "A generated Properties table of 20,000 rows (the limit is 10,000).",
    "X001": f"### Request\n{_FENCE}http\nGET /me\n{_FENCE}   (no annotation)",
    "X002": '<!-- { "blockType": "request", "name": "get_me" } -->\n... and no response follows.',
    "X003": '<!-- { "blockType": "response" } -->   (before any request on the page)',
    "X004": "Syntax: POST /groups/{id}/threads; example: POST /groups/1/conversations",
    "X005": "Syntax: PATCH /me; example: PUT /me",
    "X006": "Example: GET /nothing/here, a path no page documents.",
    "X007": f'## HTTP request\n<!-- {{ "blockType": "request" }} -->\n{_FENCE}http\nGET /me\n{_FENCE}',
    "X008": "## Response\nIf successful, this method returns `201 Created`.\n... example: HTTP/1.1 200 OK",
    "X009": f'{_FENCE}http\nHTTP/1.1 204 No Content\n\n{{ "id": "1" }}\n{_FENCE}',
    "X010": f'<!-- {{ "blockType": "response", "@odata.type": "microsoft.graph.user" }} -->\n{_FENCE}http\nHTTP/1.1 200 OK\n{_FENCE}',
    "X011": f'{_FENCE}http\nPOST /me/events\n\n{{ "subject": "Lunch" }}\n{_FENCE}   (no Content-Type)',
    "X012": "A request block followed by two response blocks.",
    "X013": "GET /me/events and GET /users/{id}/events in one syntax block (on two pages or more)",
    "X014": "GET ~/users/{id}   (read as GET /users/{id})",
    "B009": 'PATCH /deviceManagement/deviceConfigurations/{id}\n\n{ "passwordRequired": true }   '
    "(a property of windows10GeneralConfiguration; no @odata.type)",
    "B010": '"controlStateUpdates": "controlStateUpdates-value"   (a collection), "accountEnabled": "Boolean"',
    "X015": 'POST /groups/{id}/members\n\n{ "@odata.id": "https://graph.microsoft.com/v1.0/users/1" }',
    "X016": 'POST /organization/{id}/certificateBasedAuthConfiguration/$ref\n\n{ "certificateAuthorities": [] }',
    "R014": "| status | String | The status. Possible values: `active`, `retired`. |",
    "M001": "| status | String | ... |   (the service's metadata: status is microsoft.graph.taskStatus)",
    "M002": "| members | directoryObject | ... |   (the service's metadata: Collection(directoryObject))",
    "M003": "| colour | String | ... |   (the service's metadata has no colour on this type)",
    "M004": "The service's metadata gives user a property `employeeHireDate` no row documents.",
    "M005": "Inherits from [entity](entity.md)   (the service's metadata: BaseType directoryObject)",
    "M006": "An enum table of low, high   (the service's metadata: low, medium, high)",
    "M007": "A resource page for a type the service's metadata does not have.",
    "M008": '| id | String | Nullable. |   (the service\'s metadata: Nullable="false")',
    "M010": "POST /users/{id}/archiveMail   (the service's metadata has no archiveMail)",
    "M009": '<Action Name="restore" IsBound="true">   (and no page documents a path .../restore)',
    "M011": "DELETE /me/events/{id}/$ref   (events ContainsTarget: DELETE /me/events/{id})",
    "M012": "POST /groups/{id}/members   (members refers to directory objects: .../members/$ref)",
    "B001": '@odata.type microsoft.graph.user; body { "displayname": "Ada" }   (displayName)',
    "B002": '"accountEnabled": "true"   (Edm.Boolean)',
    "B003": '"createdDateTime": "datetime-value", "id" (Edm.Guid): "id-value", "importance": "urgent" (enum)',
    "B004": '"isCollection": true, but the body is { "id": "1" } rather than { "value": [...] }',
    "B005": 'A user property holding { "@odata.type": "#microsoft.graph.group" }',
    "B006": 'A response without "truncated": true that shows only some of the type\'s properties.',
    "B007": '<!-- { "blockType": "response", "@odata.type": "microsoft.graph.usr" } -->',
    "B008": '"displayName": null, where the table says "Not nullable."',
    "R001": "| jobTitle | String | ... |   (in the table, not in the JSON representation)",
    "R002": '"jobTitle": "String"   (in the JSON representation, not in the table)',
    "R003": "| manager | [person](person.md) | ... |   (no such type in the doc set)",
    "R004": '<!-- { "blockType": "resource", "@odata.type": "microsoft.graph.user" } --> on two pages',
    "R005": '<!-- { "blockType": "resource", "@odata.type": "microsoft.graph.x", "baseType": "microsoft.graph.nothing" } -->',
    "R006": '"keyProperty": "id", but the resource has no id property',
    "R007": f'<!-- {{ "blockType": "resource" ... }} -->\n{_FENCE}json\n{{ "id": String }}\n{_FENCE}',
    "R008": "In the request body, supply a JSON representation of [thread](../resources/thread.md).   (no such page)",
    "R009": "## importance values defined on two pages with different members",
    "R010": '| size | Int64 | ... |  but the JSON representation says "size": "String"',
    "R011": '<!-- { "blockType": "resource" } -->   (no @odata.type)',
    "R012": '<!-- { "blockType": "resource", "keyProperty": "id", "@odata.type": "microsoft.graph.alert" } -->   (entity has the key id)',
    "R013": '"baseType": "microsoft.graph.entity", but | name | String | Inherited from [policyBase](policybase.md). |',
    "P001": "GET /users/{id}/messages/{id}   (the second {id} is renamed)",
    "P002": "GET /me on two method pages",
    "P005": "GET /users answers user collection on user-list.md, and nothing typed with other permissions on another page",
    "P003": "POST /groups/<objectId>/threads   ({group-id})",
    "P004": "POST /groups/{id}/Threads   (threads)",
    "L001": "[thread](../resources/thread.md)   (no such file)",
    "L002": "[driveItem](../resources/DriveItem.md)   (the file is driveitem.md)",
    "L003": "[see the properties](user.md#propertys)   (no such heading)",
    "L005": "[!INCLUDE [note](../../includes/note.md)]   (outside the doc set: not checked)",
    "L004": "| targets | [invitationParticipantInfo](participantinfo.md) collection | ... |   (the page defines participantInfo)",
    "G001": "A method page with no ## Permissions table.",
    "S001": '"suppressions": ["X004: 12"]   (line 12 has no X004 any more)',
    "S002": '"suppressions": ["Warning: /api-reference/v1.0/resources/x.md: ..."]',
}


def explain(code: str) -> str | None:
    """A rule's documentation with its example, or None for an unknown code."""
    rule = RULES.get(code.upper())
    if rule is None:
        return None
    example = EXAMPLES.get(rule.code, "")
    body = "\n".join(f"    {line}" for line in example.split("\n"))
    return f"{rule.code} {rule.name} ({rule.severity})\n\n{rule.summary}\n\nExample:\n{body}\n"


def rule_lines() -> list[str]:
    return [f"{r.code}  {r.severity:<7}  {r.name}: {r.summary}" for r in RULES.values()]
