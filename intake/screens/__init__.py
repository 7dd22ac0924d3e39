"""The Textual front-end: screens that drive the interview engine and the store."""
