"""Single-message checks: find(text, message=None) -> (reason, matched) | None, and why_not(text) -> str.

`text` is a MessageText: the content plus its lower-cased and UTF-8 forms, computed once per message.
"""
import re

import re2

from app.automod.patterns import (
    INVITE_CODES, WORD_CHAR, WORD_END, WORD_START, compile_screen, domain_matches, link_hosts, parse_word,
    re2_options,
)

_CUSTOM_EMOJI_OR_MENTION = re.compile(r"<a?:\w+:\d+>|<[@#][!&]?\d+>")
_USER_MENTIONS = re.compile(r"<@!?(\d+)>")
_ROLE_MENTIONS = re.compile(r"<@&(\d+)>")
_ASCII_UPPER = bytes(range(65, 91))
_ASCII_LETTERS = bytes(range(65, 91)) + bytes(range(97, 123))


class MessageText:
    __slots__ = ("content", "lower", "data")

    def __init__(self, content):
        self.content = content
        self.lower = content.lower()
        self.data = content.encode()


class BadWords:
    def __init__(self, words):
        self.words = [parse_word(word) for word in words]
        by_kind = {kind: [w for w in self.words if w.kind == kind] for kind in ("exact", "prefix", "suffix", "anywhere")}
        self.exact = {w.text.lower(): w for w in by_kind["exact"] if not w.mid_wildcard}
        self.kinds = [kind for kind, group in by_kind.items() if group]
        self.by_kind = by_kind
        self.token_regexes = {}
        branches = [_branch(kind, group) for kind, group in by_kind.items() if group]
        # One case-insensitive alternation: a clean message costs one linear RE2 scan, however many words.
        pattern = "|".join(branches).encode()
        self.combined = re2.compile(pattern, re2_options(case_sensitive=False)) if branches else None
        self.screen = compile_screen([pattern], case_sensitive=False) if branches else None

    def find(self, text, message=None):
        if self.combined is None or (self.screen is not None and self.screen.Match(text.data) is None):
            return None
        match = self.combined.search(text.data)
        if match is None:
            return None
        group = next(i for i, token in enumerate(match.groups()) if token is not None)
        token = match.group(group + 1).decode()
        word = self._word_for(self.kinds[group], token)
        return f"matched bad word '{token}' (pattern {word.text})", token

    def why_not(self, text):
        if not self.words:
            return "the word list is empty; add words with /automod words add"
        return f"none of the {len(self.words)} words appear as whole words (use * for partial matches, e.g. cat*)"

    def _word_for(self, kind, token):
        """Which word of `kind` caught `token`: string tests first, a regex only for inner wildcards."""
        token = " ".join(token.lower().split())
        if kind == "exact" and token in self.exact:
            return self.exact[token]
        for word in self.by_kind[kind]:
            if word.mid_wildcard:
                if self._token_regex(word).fullmatch(token):
                    return word
                continue
            core = word.text.strip("*").lower()
            if (kind == "prefix" and token.startswith(core)) or (kind == "suffix" and token.endswith(core)) or (
                kind == "anywhere" and core in token
            ):
                return word
        return self.by_kind[kind][0]  # case folding beyond str.lower(); the match itself is still right

    def _token_regex(self, word):
        if word.text not in self.token_regexes:
            self.token_regexes[word.text] = re2.compile(word.token_pattern(), re2_options(case_sensitive=False))
        return self.token_regexes[word.text]


def _branch(kind, words):
    body = "(?:" + "|".join(w.inner for w in words) + ")"
    if kind == "exact":
        return f"{WORD_START}({body}){WORD_END}"
    if kind == "prefix":
        return f"{WORD_START}({body}{WORD_CHAR}*)"
    if kind == "suffix":
        return f"({WORD_CHAR}*{body}){WORD_END}"
    return f"({WORD_CHAR}*{body}{WORD_CHAR}*)"


class Regexes:
    def __init__(self, patterns):
        self.patterns = list(patterns)
        self.compiled = [re2.compile(p.encode(), re2_options()) for p in self.patterns]
        # One scan over all patterns says which match; only a hit pays for a search to get the text.
        self.screen = compile_screen([p.encode() for p in self.patterns]) if self.patterns else None

    def find(self, text, message=None):
        if not self.patterns:
            return None
        hits = range(len(self.patterns)) if self.screen is None else self.screen.Match(text.data)
        for index in sorted(hits or ()):
            match = self.compiled[index].search(text.data)
            if match is not None:
                matched = match.group().decode(errors="replace")
                return f"matched regex {self.patterns[index]} with '{matched}'", matched
        return None

    def why_not(self, text):
        if not self.patterns:
            return "no patterns set"
        return f"none of the {len(self.patterns)} patterns match (patterns are case-sensitive unless they start with (?i))"


class Links:
    def __init__(self, config):
        self.allow, self.block = config["allow"], config["block"]

    def find(self, text, message=None):
        if "://" not in text.content and "www." not in text.lower:
            return None
        for host in link_hosts(text.content):
            blocked = domain_matches(host, self.block)
            if blocked:
                return f"link to blocked domain {blocked}", host
            if self.allow and not domain_matches(host, self.allow):
                return f"link to {host}, which isn't on the allow list", host
            if not self.allow and not self.block:
                return f"link to {host} (all links are blocked: no allow or block list set)", host
        return None

    def why_not(self, text):
        hosts = link_hosts(text.content)
        if not hosts:
            return "no links found (a link needs http://, https:// or www.)"
        return f"linked domains ({', '.join(hosts)}) are not blocked"


class Invites:
    def __init__(self, config):
        self.allowed = {code.lower() for code in config["allow_codes"]}

    def find(self, text, message=None):
        if "discord" not in text.lower:
            return None
        for code in INVITE_CODES.findall(text.content):
            if code.lower() not in self.allowed:
                return f"Discord invite link (code {code})", code
        return None

    def why_not(self, text):
        codes = INVITE_CODES.findall(text.content)
        if codes:
            return f"invite codes {', '.join(codes)} are on the allow list"
        return "no discord.gg or discord.com/invite links found"


class Caps:
    def __init__(self, percent, min_length):
        self.percent, self.min_length = percent, min_length

    def find(self, text, message=None):
        if text.content == text.lower:  # no capitals at all: the common case, decided in C
            return None
        upper, letters = _count_caps(text.content)
        if letters >= self.min_length and upper * 100 >= self.percent * letters:
            return f"{upper * 100 // letters}% of {letters} letters are capitals (limit {self.percent}%)", text.content[:100]
        return None

    def why_not(self, text):
        upper, letters = _count_caps(text.content)
        if letters < self.min_length:
            return f"only {letters} letters; caps are checked from {self.min_length} letters"
        return f"{upper * 100 // letters}% capitals, below the {self.percent}% limit"


def _count_caps(content):
    if "<" in content:
        content = _CUSTOM_EMOJI_OR_MENTION.sub(" ", content)
    if content.isascii():
        data = content.encode()
        letters = len(data) - len(data.translate(None, _ASCII_LETTERS))
        return len(data) - len(data.translate(None, _ASCII_UPPER)), letters
    letters = [c for c in content if c.isalpha()]
    return sum(1 for c in letters if c.isupper()), len(letters)


class Mentions:
    def __init__(self, limit):
        self.limit = limit

    def count(self, text, message=None):
        if message is not None and "mentions" in message:
            users = {str(user.get("id")) for user in message.get("mentions") or ()}
            roles = {str(role) for role in message.get("mention_roles") or ()}
            everyone = bool(message.get("mention_everyone"))
        else:
            users = set(_USER_MENTIONS.findall(text.content))
            roles = set(_ROLE_MENTIONS.findall(text.content))
            everyone = "@everyone" in text.content or "@here" in text.content
        return len(users) + len(roles) + everyone

    def find(self, text, message=None):
        if message is None and "@" not in text.content:
            return None
        if message is not None and not (message.get("mentions") or message.get("mention_roles")
                                         or message.get("mention_everyone")) and "mentions" in message:
            return None
        count = self.count(text, message)
        if count > self.limit:
            return f"{count} mentions in one message (limit {self.limit})", str(count)
        return None

    def why_not(self, text):
        return f"{self.count(text)} mentions, limit is {self.limit} (@everyone/@here count as one)"
