"""One error hierarchy for problems a user must act on: a title and a message.

The command line prints them and exits with code 2; the app shows them in a dialog
(or exits with code 2 at start-up)."""


class IntakeError(Exception):
    """`message` as the command line prints it; `key` and `params`, where given, the catalogue text
    (texts.yaml) that says it in the reader's language on screen."""

    title = "Error"

    def __init__(self, message: str, *, key: str | None = None, **params: object):
        super().__init__(message)
        self.message = message
        self.key = key
        self.params = params


class ContentProblem(IntakeError):
    title = "The interview content has problems"


class StoreProblem(IntakeError):
    title = "The store cannot be used"


class SessionNotFound(IntakeError):
    title = "No such session"


class SessionLocked(IntakeError):
    title = "The session is open elsewhere"


class ReadOnlyRole(SessionLocked):
    """A role that reads sessions without changing them (a team lead in a county's database): offered,
    like a session locked elsewhere, to be opened read-only."""

    title = "You may read it, not change it"


class ReadOnlySession(IntakeError):
    title = "The session is open read-only"


class SessionDamaged(StoreProblem):
    """A session file that is not a valid session of its own id: `intake restore` can put back its
    previous version. (A file that cannot be read for other reasons, or that a newer version of
    intake wrote, is a StoreProblem but not damaged.)"""

    title = "The session is damaged"


class SessionConflict(IntakeError):
    title = "The session was changed elsewhere"


class SessionExists(IntakeError):
    title = "The session exists already"


class ReviewNotForService(IntakeError):
    """A review or form asked for that is not held for the client's service (reviews.yaml `services:`)."""

    title = "This form is not for this client's service"
