"""The secret tokens of private feeds (issue 13): a feed may hold several, each with a label, so a lost URL is
replaced by revoking its token alone while every other subscriber keeps theirs.

Tokens have 256 random bits (`secrets.token_urlsafe(32)`); only their sha256 is stored, with the first
`PREFIX_LENGTH` characters to tell them apart in `feed token list`. A token's URL is shown once, when it
is made. A revoked token stays listed (with when it was revoked) and answers 404 like an unknown one.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from events.bounds import as_id, check_text
from events.errors import N_
from exports.errors import (
    DuplicateTokenLabel,
    LastTokenOfFeed,
    PublicFeedSecret,
    TokenLabelAmbiguous,
    TokenNotFound,
)
from exports.models import Feed, FeedToken

PREFIX_LENGTH = 6
MAX_LABEL = 80


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


@dataclass(frozen=True)
class TokenInfo:
    """A token as `feed token list` shows it: never the secret, only its prefix."""

    id: int
    feed: str
    label: str | None
    prefix: str | None
    created_at: datetime
    revoked_at: datetime | None

    def as_json(self) -> dict[str, object]:
        return {"id": self.id, "feed": self.feed, "label": self.label, "prefix": self.prefix,
                "created_at": self.created_at, "revoked_at": self.revoked_at, "active": self.revoked_at is None}


def token_info(token: FeedToken, feed: Feed) -> TokenInfo:
    assert token.id is not None
    return TokenInfo(token.id, feed.name, token.label, token.prefix, token.created_at, token.revoked_at)


def feed_by_token(token: str, *, session: Session) -> Feed | None:
    """The private feed of this unrevoked token, or None (the caller answers a plain 404 either way)."""
    return session.exec(
        select(Feed).join(FeedToken, col(FeedToken.feed_id) == Feed.id)
        .where(col(FeedToken.token_hash) == hash_token(token), col(FeedToken.revoked_at).is_(None),
               col(Feed.private).is_(True))
    ).first()


def _private(feed: Feed) -> Feed:
    if not feed.private:
        raise PublicFeedSecret(feed.name)
    return feed


def _active(feed: Feed, *, session: Session) -> list[FeedToken]:
    return list(session.exec(select(FeedToken).where(col(FeedToken.feed_id) == feed.id,
                                                     col(FeedToken.revoked_at).is_(None))
                             .order_by(col(FeedToken.id))).all())


def add_token(feed: Feed, label: str | None, *, session: Session, now: datetime) -> tuple[FeedToken, str]:
    """A new token for the private `feed`; its label, when given, must differ from the feed's other
    working tokens (so `revoke` by label is never a guess). Returns the row and the secret, shown once."""
    _private(feed)
    shown = check_text(label, N_("the token label"), limit=MAX_LABEL).strip() if label is not None else None
    shown = shown or None
    if shown is not None and any((t.label or "").casefold() == shown.casefold()
                                 for t in _active(feed, session=session)):
        raise DuplicateTokenLabel(feed.name, shown)
    secret = new_token()
    assert feed.id is not None
    row = FeedToken(feed_id=feed.id, token_hash=hash_token(secret), prefix=secret[:PREFIX_LENGTH], label=shown,
                    created_at=now)
    session.add(row)
    session.flush()
    return row, secret


def list_tokens(feed: Feed, *, session: Session, include_revoked: bool = False) -> list[FeedToken]:
    _private(feed)
    query = select(FeedToken).where(col(FeedToken.feed_id) == feed.id).order_by(col(FeedToken.id))
    if not include_revoked:
        query = query.where(col(FeedToken.revoked_at).is_(None))
    return list(session.exec(query).all())


def find_token(feed: Feed, ref: str, *, session: Session) -> FeedToken:
    """A working token of `feed` by its id (as `feed token list` shows it), label or prefix."""
    working = _active(feed, session=session)
    number = as_id(ref)
    by_id = [t for t in working if number is not None and t.id == number]
    key = ref.strip().casefold()
    by_label = [t for t in working if t.label is not None and t.label.casefold() == key]
    by_prefix = [t for t in working if t.prefix is not None and len(key) >= 4 and t.prefix.casefold() == key]
    for found in (by_id, by_label, by_prefix):
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise TokenLabelAmbiguous(feed.name, ref)
    raise TokenNotFound(feed.name, ref)


def revoke_token(feed: Feed, ref: str, *, session: Session, now: datetime, allow_last: bool = False) -> FeedToken:
    """Revoke one working token; its URL answers 404 from now on, the feed's other tokens keep working.
    Revoking the last one leaves the feed unreachable, so it needs `allow_last` (or `feed rotate`)."""
    _private(feed)
    token = find_token(feed, ref, session=session)
    if not allow_last and len(_active(feed, session=session)) == 1:
        raise LastTokenOfFeed(feed.name)
    token.revoked_at = now
    session.add(token)
    session.flush()
    return token


def revoke_all(feed: Feed, *, session: Session, now: datetime) -> int:
    """Revoke every working token of `feed` (`feed rotate`); how many there were."""
    working = _active(feed, session=session)
    for token in working:
        token.revoked_at = now
        session.add(token)
    session.flush()
    return len(working)
