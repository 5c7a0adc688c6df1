"""What a record may carry into the packet: an allowlist, not a denylist.

Records are read, not run. A page keeps its content, resources and boxes, and the annotations
that only show something (highlights, notes, stamps, form fields as filled in) with the keys
that draw them. The only action kept is a plain web or mail link (http, https, mailto) with
nothing chained after it; every other action (JavaScript, Launch, GoToR/GoToE, Rendition,
Named, SubmitForm…), every destination of the record's own, attached files and media are
dropped, wherever they sit: on the page, in an annotation, in a chain of /Next actions, and in
any object the page reaches (a Form XObject's /AA, a font's or pattern's resources), which
`disarm` clears as the page's objects are read.
"""

from __future__ import annotations

from pypdf import PageObject
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    NameObject,
    TextStringObject,
)

PAGE_KEYS = frozenset(
    {
        "/Type", "/Parent", "/Resources", "/MediaBox", "/CropBox", "/BleedBox", "/TrimBox",
        "/ArtBox", "/BoxColorInfo", "/Rotate", "/Contents", "/Annots", "/Group", "/UserUnit",
        "/Tabs",
    }
)  # fmt: skip

# Annotations that only draw something on the page.
ANNOTATION_SUBTYPES = frozenset(
    {
        "/Link", "/Text", "/FreeText", "/Line", "/Square", "/Circle", "/Polygon", "/PolyLine",
        "/Highlight", "/Underline", "/Squiggly", "/StrikeOut", "/Stamp", "/Caret", "/Ink",
        "/Popup", "/Widget", "/Watermark", "/Redact",
    }
)  # fmt: skip

# The keys that say where an annotation is and how it looks; references to other annotations,
# fields, pages and files (/Parent, /Popup, /IRT, /P, /FS) are not among them.
ANNOTATION_KEYS = frozenset(
    {
        "/Type", "/Subtype", "/Rect", "/Contents", "/NM", "/M", "/F", "/AP", "/AS", "/Border",
        "/C", "/BS", "/BE", "/CA", "/ca", "/QuadPoints", "/InkList", "/L", "/LE", "/LL", "/LLE",
        "/LLO", "/Cap", "/CP", "/IC", "/RD", "/Vertices", "/IT", "/DA", "/Q", "/DS", "/RC",
        "/CL", "/Name", "/Open", "/T", "/Subj", "/CreationDate", "/MK", "/H", "/FT", "/V",
        "/Ff", "/TU", "/MaxLen", "/Opt", "/BM", "/Rotate", "/A",
    }
)  # fmt: skip

LINK_SCHEMES = ("http://", "https://", "mailto:")

# How `check` names what was left out, in words a caregiver can read.
DROPPED_SUBTYPES = {
    "/FileAttachment": "attached files",
    "/Sound": "sound or video", "/Movie": "sound or video", "/Screen": "sound or video",
    "/RichMedia": "sound or video", "/3D": "3D content",
}  # fmt: skip
ACTION_WORDS = {
    "/JavaScript": "JavaScript", "/Launch": "commands that start programs",
    "/GoToR": "links into other files", "/GoToE": "links into other files",
    "/SubmitForm": "forms that send data", "/ImportData": "forms that send data",
}  # fmt: skip


# Every action type but a plain link (/URI), by the name PDF gives it in /S. The names do not
# clash with the other dictionaries that use /S (groups, soft masks, border styles).
ACTION_TYPES = frozenset(
    {
        "/GoTo", "/GoToR", "/GoToE", "/GoToDp", "/Launch", "/Thread", "/Sound", "/Movie",
        "/Hide", "/Named", "/SubmitForm", "/ResetForm", "/ImportData", "/JavaScript",
        "/SetOCGState", "/Rendition", "/Trans", "/GoTo3DView", "/RichMediaExecute",
    }
)  # fmt: skip
# Keys that hold an action or a script wherever they sit.
ACTION_KEYS = ("/AA", "/OpenAction", "/JS", "/Next")


def describe_actions(action: object, found: set[str]) -> None:
    """Add to `found` what the action and everything chained after it (/Next) would do."""
    stack, seen = [action], 0
    while stack and seen < 1000:  # a loop of /Next actions ends here
        seen += 1
        item = stack.pop()
        item = getattr(item, "get_object", lambda item=item: item)()
        if isinstance(item, ArrayObject):
            stack.extend(item)
        elif isinstance(item, DictionaryObject) and "/S" not in item:
            stack.extend(item.values())  # a dictionary of triggers (/AA): an action each
        elif isinstance(item, DictionaryObject):
            kind = item.get("/S")
            if "/JS" in item or kind == "/JavaScript":
                found.add("JavaScript")
            elif kind in ACTION_WORDS:
                found.add(ACTION_WORDS[kind])
            if "/Next" in item:
                stack.append(item["/Next"])


def plain_link(action: object) -> DictionaryObject | None:
    """A fresh URI action when `action` is a plain web or mail link, else None. Whatever else
    the original carried (a /Next chain, a JavaScript tail) is not copied."""
    action = getattr(action, "get_object", lambda: action)()
    if not isinstance(action, DictionaryObject) or action.get("/S") != "/URI":
        return None
    uri = action.get("/URI")
    uri = getattr(uri, "get_object", lambda: uri)()
    if not isinstance(uri, str):  # TextStringObject and ByteStringObject decode to str
        return None
    text = str(uri).strip()
    if not text.lower().startswith(LINK_SCHEMES) or any(ord(c) < 32 for c in text):
        return None
    return DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Action"),
            NameObject("/S"): NameObject("/URI"),
            NameObject("/URI"): TextStringObject(text),
        }
    )


def _keep_annotation(value: object, removed: set[str]) -> bool:
    """Whether the packet may carry this annotation; what it keeps of it is pared down in place
    (it is the reader's copy, read for this build only), so it stays an indirect object."""
    annotation = getattr(value, "get_object", lambda: value)()
    if not isinstance(annotation, DictionaryObject):
        return False
    if annotation.get("/Subtype") not in ANNOTATION_SUBTYPES:
        if annotation.get("/Subtype") in DROPPED_SUBTYPES:
            removed.add(DROPPED_SUBTYPES[str(annotation.get("/Subtype"))])
        return False
    link = plain_link(annotation.get("/A"))
    if link is None or "/Next" in (annotation.get("/A") or {}):
        describe_actions(annotation.get("/A"), removed)
    describe_actions(annotation.get("/AA"), removed)
    for key in [k for k in annotation if k not in ANNOTATION_KEYS or k == "/A"]:
        del annotation[key]
    if link is not None:
        annotation[NameObject("/A")] = link
    # A link to nowhere the packet can follow (or to something that would be run) goes.
    return link is not None or annotation.get("/Subtype") != "/Link"


def sanitize_page(page: PageObject, removed: set[str] | None = None) -> None:
    """Keep only what the allowlists allow on `page` (in place, before it is merged); add to
    `removed` what it would have done (JavaScript, attached files…), for `check` to say."""
    removed = set() if removed is None else removed
    describe_actions(page.get("/AA"), removed)
    for key in [k for k in page if k not in PAGE_KEYS]:
        del page[key]
    if "/Annots" not in page:
        return
    annotations = page["/Annots"]
    annotations = getattr(annotations, "get_object", lambda: annotations)()
    kept = ArrayObject()
    if isinstance(annotations, ArrayObject):
        kept.extend(value for value in annotations if _keep_annotation(value, removed))
    if kept:
        page[NameObject("/Annots")] = kept
    else:
        del page["/Annots"]


def disarm(dictionary: DictionaryObject, removed: set[str]) -> None:
    """Clear what would run from a dictionary a page reaches (in place, in the reader's copy):
    trigger and script keys, an /A that is not a plain link, and an action dictionary itself."""
    if dictionary.get("/S") in ACTION_TYPES:
        describe_actions(DictionaryObject(dictionary), removed)
        for key in list(dictionary):
            del dictionary[key]
        return
    for key in ACTION_KEYS:
        if key in dictionary:
            describe_actions(dictionary[key] if key != "/JS" else dictionary, removed)
            del dictionary[key]
    if "/A" in dictionary and plain_link(dictionary["/A"]) is None:
        describe_actions(dictionary["/A"], removed)
        del dictionary["/A"]
