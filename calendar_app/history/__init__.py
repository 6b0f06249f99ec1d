"""History of changes and undo for the commands: recording around each change (`tracking`), reading the
history back (`services`) and `event undo` (`undo`)."""
