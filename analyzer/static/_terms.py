"""Domain terms in file names, for lexical cohesion of boundaries, and which files are tests.

A file's terms are the words of its name (``MongoCatalogItemsRepository.java`` -> mongo, catalog,
items, repository), lower-cased and reduced to a singular (``items`` -> ``item``,
``repositories`` -> ``repository``).  Words that name a technical role rather than a business
concept (controller, repository, service, dto, mock...) are left out, as the lexical approaches to
microservice identification do with their stop lists; so are words shorter than three letters (the
``I`` of a C# interface).  What is left is the file's domain vocabulary: ``catalog``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

#: words of a file name that name a technical role, a layer or a framework, never a business concept
TECHNICAL_WORDS = frozenset(
    """
    abstract action adapter admin api app application assembler async attribute auth base bean binder builder
    cache cached client cmd command common component config configuration constant consumer context controller
    converter core create custom dao data db default delete detail dialog dto edit endpoint entity enum error
    event exception extension facade factory filter form get handler helper home http impl index info init
    initializer interface internal item jpa json list listener loader local main manager mapper message
    middleware mock model module mongo mongodb new package page paged parser persistence processor profile program
    property provider proxy query reader record repository request resource response result route router rest
    schema seed serializer server service servlet set setting shared spec specification sql startup status store
    support test type update util validator value view viewmodel web wrapper writer
    all and can for from has into not the with
    initial migration add alter change drop fix insert remove rename
    """.split()
)

#: path segments that hold tests
TEST_DIRECTORIES = frozenset(
    {"test", "tests", "spec", "specs", "__tests__", "testing", "unittests", "integrationtests"}
)

_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")


@functools.lru_cache(maxsize=1 << 16)
def domain_terms(path: str) -> tuple[str, ...]:
    """The domain words of the file name of ``path``, in order, without repeats."""
    stem = path.rpartition("/")[2].partition(".")[0]
    out: list[str] = []
    for word in _WORD.findall(stem):
        term = _singular(word.lower())
        if len(term) >= 3 and not term.isdigit() and term not in TECHNICAL_WORDS and term not in out:
            out.append(term)
    return tuple(out)


def is_test(path: str) -> bool:
    """Whether ``path`` is a test: under a test folder, or named ``test_*``, ``*_test``, ``*Test(s)``, ``*.spec.*``."""
    *folders, name = path.split("/")
    if any(f.lower() in TEST_DIRECTORIES or f.lower().endswith(("_test", "_tests", "test_java")) for f in folders):
        return True
    stem = name.partition(".")[0]
    lowered = name.lower()
    return (
        stem.startswith("test_")
        or (stem.startswith("Test") and stem[4:5].isupper())
        or stem.endswith(("_test", "_tests", "Test", "Tests", "Spec"))
        or any(f".{marker}." in lowered for marker in ("test", "spec"))
    )


def term_counts(paths: Iterable[str]) -> dict[str, int]:
    """How many of ``paths`` hold each domain term."""
    counts: dict[str, int] = {}
    for path in paths:
        for term in domain_terms(path):
            counts[term] = counts.get(term, 0) + 1
    return counts


def _singular(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word
