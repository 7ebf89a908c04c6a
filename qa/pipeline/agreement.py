"""Agreement across reports: mentions of one answer ("Biden", "Joe Biden") gathered, and their support summed
over independent stories, so that what several outlets state counts for more; copies of one story count once.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

from qa.models import Passage
from qa.normalization import normalize_answer
from qa.pipeline.answer_heads import ENT, HEAD_TYPE, label_fits
from qa.pipeline.candidates import Mention, close_to
from qa.pipeline.evidence import Features, W
from qa.pipeline.gazetteer import country_of_people, member
from qa.pipeline.nlp import in_brackets, parse
from qa.pipeline.short_answers import tidy
from qa.pipeline.support import terms
from qa.pipeline.wordnet import is_kind_of

STORIES_COUNTED = 5  # the best-supported stories that vote for an answer
# Types whose answers are scaled by how like the question's head noun they are, as the embedder sees it
# ("which drink": "lemonade"; "which planet": "Jupiter" rather than "U.S.").
_LIKE_HEAD = ("NP", "NAME", "PRODUCT", "EVENT", "WORK", "LAW", "PLACE", "ORG", "PERSON")
# Words a web page puts before a name ("Latest Detroit Lions news"), which the tagger takes into it
_PAGE_WORD = re.compile(r"^(?:Latest|Exclusive|Updated|Opinion|Analysis|Photos|Video)\s+(?=[A-Z])")
_FULL_NAMES = ("PERSON", "ORG", "WORK", "EVENT", "PRODUCT")
# A noun WordNet knows that is no kind of the asked head ("habitat" or "Tuesday" for "which insect") keeps
# this much of its type fit.
NOT_OF_HEAD = 0.2

_NAMES = frozenset("PERSON ORG PLACE NORP LANGUAGE EVENT WORK".split())
_PLACE_LABELS = ("GPE", "LOC")
_TEAMS = frozenset({"team", "side", "club", "franchise"})  # "Kansas City beat Buffalo": the teams

Similarity = Callable[[str, Sequence[str]], Sequence[float]]


@dataclass
class Answer:
    """One answer the passages give, with every mention of it."""

    key: str  # the normalised answer
    text: str  # its surface form
    mentions: list[tuple[Mention, Features]]
    vote: float = 0.0  # the best mention's score of each story, summed over the best stories
    best: tuple[Mention, Features] | None = None
    stories: int = 0


_NOT_INITIALS = frozenset("of the and for on in to".split())  # "Federal Bureau of Investigation" -> FBI


def _initials(key: str) -> str:
    return "".join(w[0] for w in key.split() if w not in _NOT_INITIALS)


# A country or organisation that does what a who-question asks is its answer, as well typed as a person
# tagged once as something else.
ACTS_AS_WHO = 0.6
# ... and one that did not do it is no answer to "who" (under the 0.4 a strict type needs)
NOT_THE_DOER = 0.35
_ACTING = frozenset({"GPE", "ORG", "NORP"})


def _acting(m: Mention) -> bool:
    """A country, a people or an organisation, or a noun for one ("the Armenian government"; its head is
    before any "of": "the leading candidate of the party" is a candidate)."""
    head = m.text.split(" of ")[0].split()
    return m.label in _ACTING or HEAD_TYPE.get(head[-1].lower() if head else "") == "ORG"


# Words that make a name another place than the name they qualify: "South Korea", "New York".
_OTHER_PLACE = frozenset(
    "north northern south southern east eastern west western new upper lower greater central".split()
)


def _ends(key: str, longer: str) -> bool:
    """Whether a key is a shorter name that a longer key ends with ("biden", "joe biden")."""
    words, more = key.split(), longer.split()
    return (
        len(more) > len(words)
        and more[-len(words) :] == words
        and len(longer) - len(key) <= 25
        and more[-len(words) - 1] not in _OTHER_PLACE  # "western azerbaijan" is not azerbaijan
    )


def _abbreviates(key: str, longer: str) -> bool:
    """Whether a one-word key is the initials of a longer one ("csto")."""
    return (
        len(longer.split()) > 1
        and " " not in key
        and len(key) >= 2
        and key.isalpha()
        and _initials(longer) == key
    )


def _same_answer_key(keys: Sequence[str]) -> dict[str, str]:
    """Each key to the key it joins: a short name joins a longer one it ends ("biden" -> "joe biden"), an
    acronym the name it abbreviates ("csto" -> "collective security treaty organization"). A name also
    joins through a name that joined another when only names and titles stand before it there: "carr" joins
    "chris carr", itself part of "georgia attorney general chris carr", too much longer for "carr" to join
    directly; "osk" joins no "press conference in port city of osk" through "port city of osk"."""
    seen: list[str] = []
    rep_of: dict[str, str] = {}
    for key in sorted(keys, key=lambda k: -len(k.split())):
        target = next((r for r in seen if _joins(key, r, rep_of[r])), None)
        seen.append(key)
        rep_of[key] = rep_of[target] if target else key
    return rep_of


def _joins(key: str, longer: str, rep: str) -> bool:
    """Whether a key joins a longer one, itself joined to `rep` (itself when it joined none)."""
    if rep == longer:
        return _ends(key, longer) or _abbreviates(key, longer)
    titles = rep.split()[: -len(key.split())]
    return _ends(key, longer) and not _NOT_INITIALS & set(titles)


def _a_place(key: str, counts: dict[str, int], places: set[str], runs: Iterable[str] = ()) -> bool:
    """Whether the tagger calls this answer a place in most of its tagged mentions ("Armenia"), or each of
    its words a place elsewhere in the passages ("Armenia-Russia"), or each item of its capitalised run
    (`runs`, normalised: "New York and Los Angeles")."""
    tagged = sum(n for label, n in counts.items() if label in ENT)
    placed = sum(counts.get(label, 0) for label in _PLACE_LABELS)
    if (tagged > 0 and 2 * placed >= tagged) or all(w in places for w in key.split()):
        return True
    return any(all(i in places for i in run.split(" and ")) for run in runs)


def _bracketed_aliases(
    scored: Sequence[tuple[Mention, Features]], passages: Sequence[Passage], kind: str
) -> dict[str, str]:
    """Each capitals-only mention in brackets just after an organisation's name, to that name's key: "New
    Media Investment Group (NEWM)", "United States Maritime Alliance (USMX)" are one answer, whose
    initials `_abbreviates` cannot tell."""
    names = {(m.passage, m.end): m for m, _ in scored if m.label == "ORG" and not m.text.isupper()}
    found: dict[str, str] = {}
    for m, _ in scored:
        name = names.get((m.passage, m.start - 1))
        if name is None or not (m.text.isupper() and len(m.text) >= 2):
            continue
        doc = parse([passages[m.passage].chunk.text])[0]  # parsed by the reader already: from the cache
        if in_brackets(doc, m.start, m.end):
            found[normalize_answer(tidy(m.text, kind))] = normalize_answer(tidy(name.text, kind))
    return found


def _countries_for_peoples(
    scored: Sequence[tuple[Mention, Features]],
) -> list[tuple[Mention, Features]]:
    """For a place question, "Russian arms" names Russia: a nationality is read as the country the passages
    name with the same stem ("Russian" -> "Russia"), or else as the country it is the people of ("the Angolan
    port city" -> "Angola"; the tagger calls such a word a place as often as a nationality)."""
    # one word, one stem: not "Armenia-Russia", whose stems a nationality of either would also meet
    countries = {m.text: cs for m, _ in scored if m.label == "GPE" and len(cs := terms(m.text).stems) == 1}
    out = []
    for m, f in scored:
        stems = terms(m.text).stems if m.label == "NORP" else frozenset()
        country = country_of_people(m.text) if m.label in ("NORP", "GPE") else ""
        if not country and len(stems) == 1:
            country = next((c for c, cs in countries.items() if close_to(min(stems), cs)), "")
        out.append((replace(m, text=country, label="GPE") if country else m, f))
    return out


def gather(
    scored: Sequence[tuple[Mention, Features]],
    passages: Sequence[Passage],
    kind: str,
    plural: bool = False,
    head: str = "",
) -> list[Answer]:
    """The answers the mentions give, each with its type fit, vote and surface form (`head`: the asked noun,
    "drink" in "which drink", whose kinds WordNet knows)."""
    if kind == "PLACE":
        scored = _countries_for_peoples(scored)
    by_key: dict[str, list[tuple[Mention, Features]]] = defaultdict(list)
    for m, f in scored:  # as the reader writes it: "roughly 159 million" and "more than 159 million" agree
        if key := normalize_answer(tidy(m.text, kind)):
            by_key[key].append((m, f))
    # "Armenia-Russia" (relations, talks) is no fuller name of Russia: a compound of countries joins nothing,
    pairs = {
        k
        for m, _ in scored
        if "-" in m.text and all(member("country", p) for p in m.text.split("-"))
        if (k := normalize_answer(m.text))
    }
    if kind in _NAMES:  # nor does a number join a name: "two" (teams) is no "Florida State 2" (a score line)
        pairs |= {k for k in by_key if k.isdigit()}
    rep_of = _same_answer_key([k for k in by_key if k not in pairs])
    rep_of.update({k: k for k in by_key if k in pairs})
    aliases = _bracketed_aliases(scored, passages, kind)
    for alias, name in aliases.items():  # "(NEWM)": the group's own
        if alias in rep_of and name in rep_of:
            rep_of = {k: rep_of[name] if r == rep_of[alias] else r for k, r in rep_of.items()}
    groups: dict[str, list[tuple[Mention, Features]]] = defaultdict(list)
    for key, items in by_key.items():
        groups[rep_of[key]].extend(items)
    answers = []
    labels = label_fits(kind, head)
    places = {normalize_answer(m.text) for m, _ in scored if m.label in _PLACE_LABELS}
    for key, items in groups.items():
        counts: dict[str, int] = defaultdict(int)
        for m, _ in items:
            counts[m.label] += 1
        if kind == "PERSON" and country_of_people(key):
            continue  # "Azerbaijani", "Hungarian": a people, whatever the tagger called one of its mentions
        runs = (normalize_answer(m.text) for m, _ in items if m.label == "CAPS")  # read only if needed
        if kind == "PERSON" and _a_place(key, counts, places, runs):
            # Capitalised, but the tagger calls it a place: no person, unless most of its tags say so.
            placed = sum(counts.get(label, 0) for label in _PLACE_LABELS)
            counts.pop("CAPS", None)
            if counts.get("PERSON", 0) <= placed:
                counts.pop("PERSON", None)
        elif (
            kind == "ORG"
            and head not in _TEAMS  # a city stands for its team
            and all(label in _PLACE_LABELS for label in counts if label in ENT)
            and _a_place(key, counts, places, runs)
        ):
            # nor a company or news outlet ("at the DNC in Chicago") when every tag says place ("Central Park
            # Five", tagged once a work, is a group)
            counts.pop("CAPS", None)
        top = max(counts.values(), default=1)
        forms: dict[str, float] = defaultdict(float)
        for m, _ in items:
            forms[m.text] += 1 + 0.01 * len(m.text)  # the most frequent form; ties go to the longer
        named = {t: n for t, n in forms.items() if normalize_answer(t) not in aliases}  # the name, not "USMX"
        text = max(named or forms, key=lambda t: forms[t])
        if kind in _FULL_NAMES:  # by the fullest name: "New York Mets" rather than "Mets"
            names = [m.text for m, _ in items if m.label in ENT and len(m.text.split()) <= 5]
            # a web page's "Latest Detroit Lions news": the name is the Detroit Lions
            names = [_PAGE_WORD.sub("", n) for n in names]
            text = max(names, key=len) if names else text
            # a name the tagger cut ("the startup Argo AI" tagged "AI"): the capitalised run the reports write
            # more often, ending in it (not for people, whose runs carry titles: "President Joe Biden")
            # (nor a web page's "Latest", nor a list's "Dallas Cowboys and Detroit Lions")
            written = (_PAGE_WORD.sub("", m.text) for m, _ in items if m.label == "CAPS")
            cuts = [r for r in written if r.endswith(" " + text) and " and " not in r]
            said = sum(m.text == text for m, _ in items)
            if kind != "PERSON" and cuts and cuts.count(cut := max(cuts, key=cuts.count)) >= said:
                text = cut
            # Both forms where the reports use both: "Collective Security Treaty Organization (CSTO)".
            acronyms = [m.text for m, _ in items if m.text.isupper() and _initials(key) == m.text.lower()]
            if acronyms and len(text.split()) > 1:
                text = f"{text} ({acronyms[0]})"
        # The tagger is noisy: a label seen in a minority of the mentions counts three quarters; and a name is
        # written with a capital ("pro-European" is no person, whatever the tagger says).
        fit = max(
            (labels.get(label, 0.0) * (0.75 + 0.25 * n / top) for label, n in counts.items()), default=0.0
        )
        if kind in _NAMES and not (text[:1].isupper() or text[:1].isdigit()):
            fit *= 0.3
        if kind == "PERSON" and any(_acting(m) for m, f in items if f.does_asked):
            fit = max(fit, ACTS_AS_WHO)  # "Who proposed the draft?": "Azerbaijan had proposed" it
        elif kind == "PERSON" and "PERSON" not in counts and any(x in counts for x in _ACTING):
            fit = min(fit, NOT_THE_DOER)  # "Who heads the EU mission?": not the CSTO the sentence also names
        if head and kind in _LIKE_HEAD and is_kind_of(text, head) is False:
            fit = min(fit, NOT_OF_HEAD)
        for _, f in items:
            f.type_fit = fit
        # A list question wants the whole list ("Baku and Yerevan"), not its first item.
        boost = W["list"] if plural and any(m.is_list for m, _ in items) else 1.0
        best = max(items, key=lambda mf: mf[1].score())
        per_story: dict[str, float] = {}
        for m, f in items:
            story = passages[m.passage].chunk.article.story
            per_story[story] = max(per_story.get(story, 0.0), boost * f.score())
        vote = sum(sorted(per_story.values(), reverse=True)[:STORIES_COUNTED])
        answers.append(Answer(key, text, items, vote, best, len(per_story)))
    return answers


def like_head(
    answers: list[Answer], kind: str, head: str, similarity: Similarity | None, top: int = 40
) -> None:
    """Scale each answer's vote by how like the question's head noun ("which planet") it is."""
    if not (similarity and head and kind in _LIKE_HEAD and answers):
        return
    ranked = sorted(answers, key=lambda a: -a.vote)
    sims = list(similarity(head, [a.text for a in ranked[:top]])) + [0.0] * max(0, len(ranked) - top)
    most = max(float(s) for s in sims)
    for a, sim in zip(ranked, sims, strict=True):
        # a name that is one ("the “Crossroads of Peace” initiative", "Kievyan Bridge") is as like it as any
        linked = a.best is not None and a.best[1].head_near >= 1.0
        a.vote *= 0.6 + 0.8 * (most if linked else float(sim))
