"""Errors a user can fix: their message is shown to them as it is."""


class UserError(Exception):
    """Raised by feature code when the user can act on the message (bad input, missing permission...)."""


class DatabaseUnavailable(Exception):
    """The database could not be reached or answered too slowly."""


class CommitUnknown(DatabaseUnavailable):
    """A COMMIT was sent but its answer never came: the work may or may not have been saved."""
