"""Turning moderator input (wildcard words, domains) into RE2 patterns, shared by the engine and native sync.

Word wildcards follow Discord's keyword strategies: `cat` whole word, `cat*` prefix, `*cat` suffix,
`*cat*` anywhere; a `*` inside a word (`f*ck`) stands for any run of letters within that word.
"""
import re
from dataclasses import dataclass

import re2

MAX_WORD_CHARS = 60  # Discord's keyword_filter limit, so every valid word can go native
MAX_PATTERN_CHARS = 260  # Discord's regex_patterns limit

WORD_CHAR = r"[\pL\pN_]"
WORD_START = r"(?:^|[^\pL\pN_])"  # RE2's \b is ASCII-only, so boundaries are spelled out for Unicode
WORD_END = r"(?:[^\pL\pN_]|$)"

_DOMAIN = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,62}$")
LINK_HOSTS = re.compile(r"(?i)(?:https?://|\bwww\.)([^\s/?#<>\"'|)\]]+)")
INVITE_CODES = re.compile(r"(?i)\b(?:discord(?:app)?\.com/invite|discord\.gg)/([a-z0-9-]+)")
INVITE_RUST = r"(?i)(?:discord(?:app)?\.com/invite|discord\.gg)/[a-z0-9-]+"


def re2_options(case_sensitive=True):
    options = re2.Options()
    options.case_sensitive = case_sensitive
    options.max_mem = 64 << 20  # thousands of words in one alternation need more than RE2's 8 MB default
    return options


def compile_screen(patterns, case_sensitive=True):
    """An RE2 Set over byte patterns: one C call says which match, far cheaper than search() per pattern.

    None when RE2 can't build it within its memory budget; callers then search directly.
    """
    screen = re2.Set.SearchSet(re2_options(case_sensitive))
    try:
        for pattern in patterns:
            screen.Add(pattern)
        screen.Compile()
    except re2.error:
        return None
    return screen


@dataclass(frozen=True)
class Word:
    text: str  # as the moderator wrote it, e.g. "f*ck"
    kind: str  # exact | prefix | suffix | anywhere
    inner: str  # RE2 pattern of the word body, without boundaries or edge wildcards

    @property
    def mid_wildcard(self):
        return "*" in self.text.strip("*")

    def token_pattern(self):
        """RE2 pattern that fully matches the token this word catches (edge wildcards included)."""
        head = WORD_CHAR + "*" if self.kind in ("suffix", "anywhere") else ""
        tail = WORD_CHAR + "*" if self.kind in ("prefix", "anywhere") else ""
        return head + self.inner + tail

    def rust_pattern(self):
        """The same word as a Rust-flavoured regex for Discord's regex_patterns (its \\b and \\w are Unicode)."""
        inner = r"\w*".join(_rust_phrase(part) for part in self.text.strip("*").split("*") if part)
        head = r"\w*" if self.kind in ("suffix", "anywhere") else r"\b"
        tail = r"\w*" if self.kind in ("prefix", "anywhere") else r"\b"
        return head + inner + tail


def parse_word(text):
    text = " ".join(text.split())
    starts, ends = text.startswith("*"), text.endswith("*") and len(text) > 1
    kind = {(False, False): "exact", (False, True): "prefix", (True, False): "suffix", (True, True): "anywhere"}[
        (starts, ends)
    ]
    parts = [part for part in text.strip("*").split("*") if part]
    inner = (WORD_CHAR + "*").join(_phrase(part) for part in parts)
    return Word(text=text, kind=kind, inner=inner)


def _phrase(part):
    return r"\s+".join(re2.escape(piece) for piece in part.split())


def _rust_phrase(part):
    return r"\s+".join(rust_escape(piece) for piece in part.split())


def rust_escape(text):
    """Escape for Rust's regex crate, which rejects escapes of ordinary characters that Python's re.escape adds."""
    return "".join("\\" + c if c in _RUST_META else c for c in text)


_RUST_META = set("\\.+*?()|[]{}^$#&-~")


def parse_domain(value):
    """'https://www.Example.com/x' -> 'example.com'; None when it isn't a domain."""
    value = value.strip().lower()
    value = value.split("://", 1)[-1].split("/", 1)[0].split("@")[-1].split(":")[0].rstrip(".")
    if value.startswith("www."):
        value = value[4:]
    return value if _DOMAIN.match(value) else None


def domain_matches(host, domains):
    """The entry of `domains` that `host` is, or is a subdomain of; None otherwise."""
    for domain in domains:
        if host == domain or host.endswith("." + domain):
            return domain
    return None


def link_hosts(text):
    """Hostnames of the links in `text`, lower-cased, without port or www."""
    hosts = []
    for raw in LINK_HOSTS.findall(text):
        host = raw.split("@")[-1].split(":")[0].rstrip(".,;!*_~").lower()  # sentence punctuation after a link
        hosts.append(host[4:] if host.startswith("www.") else host)
    return hosts
