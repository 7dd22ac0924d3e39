"""Plain mode (`intake --plain`): the intake line by line, for screen readers, slow connections and
any terminal. It drives the same sessions, engine, matching, plan and exports as the full-screen
app, and imports no textual: lines are said, and answers typed at a questionary prompt."""
