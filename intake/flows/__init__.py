"""The interview core: content models, loader, condition language and engine.

Nothing here imports a user interface or a storage library, so every front-end
(Textual, plain mode, tests) drives the same logic.
"""
