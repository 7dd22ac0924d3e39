"""intake: a joint intake interview for rehabilitative work activity and supported employment."""

__version__ = "0.1.0"
