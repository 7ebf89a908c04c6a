"""The teams of the North American leagues a news quiz names (NFL, NBA, MLB, NHL, WNBA): for "Which NFL team
...?" a college side, a soccer club or a player's "Patriots teammates" is no answer, and "the Cavs" is the
Cleveland Cavaliers.

Written out by hand, as the countries are (gazetteer.py): no package here lists them. Names since the early
2010s are kept beside today's ("Oakland Raiders", "Washington Redskins"), as the archive reaches back so far.
"""

from __future__ import annotations

import re

from qa.pipeline.lists import parts
from qa.pipeline.support import name_key

# "City Nickname" per team, then a team's other names after a colon ("Cleveland Cavaliers: Cavs").
_TEAMS = {
    "NFL": """Arizona Cardinals|Atlanta Falcons|Baltimore Ravens|Buffalo Bills|Carolina Panthers|
        Chicago Bears|Cincinnati Bengals|Cleveland Browns|Dallas Cowboys|Denver Broncos|Detroit Lions|
        Green Bay Packers|Houston Texans|Indianapolis Colts|Jacksonville Jaguars: Jags|Kansas City Chiefs|
        Las Vegas Raiders|Oakland Raiders|Los Angeles Chargers|San Diego Chargers|Los Angeles Rams|
        St. Louis Rams|Miami Dolphins|Minnesota Vikings|New England Patriots: Pats|New Orleans Saints|
        New York Giants|New York Jets|Philadelphia Eagles|Pittsburgh Steelers|San Francisco 49ers: Niners|
        Seattle Seahawks|Tampa Bay Buccaneers: Bucs|Tennessee Titans|Washington Commanders|
        Washington Redskins|Washington Football Team""",
    "NBA": """Atlanta Hawks|Boston Celtics|Brooklyn Nets|New Jersey Nets|Charlotte Hornets|
        Charlotte Bobcats|Chicago Bulls|Cleveland Cavaliers: Cavs|Dallas Mavericks: Mavs|Denver Nuggets|
        Detroit Pistons|Golden State Warriors: Dubs|Houston Rockets|Indiana Pacers|
        Los Angeles Clippers: LA Clippers|Los Angeles Lakers: LA Lakers|Memphis Grizzlies|Miami Heat|
        Milwaukee Bucks|Minnesota Timberwolves: Wolves|New Orleans Pelicans|New Orleans Hornets|
        New York Knicks|Oklahoma City Thunder|Orlando Magic|Philadelphia 76ers: Sixers|Phoenix Suns|
        Portland Trail Blazers: Blazers|Sacramento Kings|San Antonio Spurs|Toronto Raptors|Utah Jazz|
        Washington Wizards""",
    "MLB": """Arizona Diamondbacks: D-backs, Dbacks|Atlanta Braves|Baltimore Orioles|Boston Red Sox|
        Chicago Cubs|Chicago White Sox|Cincinnati Reds|Cleveland Guardians|Cleveland Indians|
        Colorado Rockies|Detroit Tigers|Houston Astros|Kansas City Royals|Los Angeles Angels|
        Los Angeles Dodgers|Miami Marlins|Milwaukee Brewers|Minnesota Twins|New York Mets|New York Yankees|
        Oakland Athletics: A's|Philadelphia Phillies|Pittsburgh Pirates|San Diego Padres|
        San Francisco Giants|Seattle Mariners|St. Louis Cardinals|Tampa Bay Rays|Texas Rangers|
        Toronto Blue Jays: Jays|Washington Nationals: Nats""",
    "NHL": """Anaheim Ducks|Arizona Coyotes|Phoenix Coyotes|Boston Bruins|Buffalo Sabres|Calgary Flames|
        Carolina Hurricanes: Canes|Chicago Blackhawks|Colorado Avalanche|Columbus Blue Jackets|Dallas Stars|
        Detroit Red Wings|Edmonton Oilers|Florida Panthers|Los Angeles Kings|Minnesota Wild|
        Montreal Canadiens: Habs|Nashville Predators|New Jersey Devils|New York Islanders|New York Rangers|
        Ottawa Senators|Philadelphia Flyers|Pittsburgh Penguins: Pens|San Jose Sharks|Seattle Kraken|
        St. Louis Blues|Tampa Bay Lightning: Bolts|Toronto Maple Leafs: Leafs|Utah Hockey Club|
        Vancouver Canucks|Vegas Golden Knights|Washington Capitals: Caps|Winnipeg Jets""",
    "WNBA": """Atlanta Dream|Chicago Sky|Connecticut Sun|Dallas Wings|Indiana Fever|Las Vegas Aces|
        Los Angeles Sparks|Minnesota Lynx|New York Liberty|Phoenix Mercury|Seattle Storm|Washington Mystics|
        Golden State Valkyries""",
}
# How a question names the league (or its final); none for a college game ("College World Series").
_ASKED = (
    ("WNBA", re.compile(r"\bWNBA\b")),
    ("NBA", re.compile(r"\bNBA\b")),
    ("NFL", re.compile(r"\bNFL\b|\bSuper Bowl\b")),
    ("MLB", re.compile(r"\bMLB\b|\bMajor League Baseball\b|\bWorld Series\b|\bbaseball\b", re.IGNORECASE)),
    ("NHL", re.compile(r"\bNHL\b|\bStanley Cup\b|\bhockey\b", re.IGNORECASE)),
)
_COLLEGE = re.compile(r"\b(college|NCAA|university|high school)\b", re.IGNORECASE)
TEAM_HEADS = frozenset("team teams side sides club clubs franchise franchises".split())


def _league(block: str) -> dict[str, str]:
    """Every name of a league's teams, as `name_key` writes it -> the team's full name; a city alone (which
    names its team in sports writing, "Kansas City beat Buffalo") -> itself."""
    names: dict[str, str] = {}
    for entry in (e.strip() for e in block.replace("\n", " ").split("|")):
        full, _, others = entry.partition(":")
        full = " ".join(full.split())
        city, nickname = _split(full)
        names.setdefault(name_key(city), city)
        names[name_key(full)] = full
        for name in (nickname, *(o for o in others.split(",") if o.strip())):
            names.setdefault(name_key(name), full)  # today's team first: "Hornets" are Charlotte's
    return names


def _split(full: str) -> tuple[str, str]:
    """City and nickname: two-word nicknames are those the list knows ("Red Sox", "Maple Leafs")."""
    if two := re.match(r"(.+) ((?:Red|White|Blue|Trail|Maple|Golden|Hockey|Football) \w+)$", full):
        return two.group(1), two.group(2)
    city, _, nickname = full.rpartition(" ")
    return city, nickname


_NAMES = {league: _league(block) for league, block in _TEAMS.items()}


def asked_league(question: str, head: str) -> str:
    """The league whose team "Which NFL team ...?" asks for ("" when the question asks for no team of one)."""
    if head not in TEAM_HEADS or _COLLEGE.search(question):
        return ""
    found = [league for league, pattern in _ASKED if pattern.search(question)]
    return found[0] if len(found) == 1 else ""


def names_team(league: str, text: str) -> bool:
    """Whether an answer names only teams of the league (by full name, nickname or city)."""
    names = _NAMES[league]
    return bool(text.strip()) and all(name_key(p) in names for p in parts(text))


def full_names(league: str, text: str) -> str:
    """The answer with each team written in full ("Cavs" -> "Cleveland Cavaliers"); a city stays a city."""
    names = _NAMES[league]
    return " and ".join(names.get(name_key(p), p) for p in parts(text))


def other_names(full: str) -> list[str]:
    """The other names the lists give a team written in full ("Cavs" for "Cleveland Cavaliers"), as
    `name_key` writes them: what its sentence may call it."""
    key = name_key(full)
    found: list[str] = []
    for names in _NAMES.values():
        if names.get(key) == full:
            found += [name for name, team in names.items() if team == full and name != key]
    return found
