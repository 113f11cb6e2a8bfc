"""The application shell: main window, undo, jobs, errors, presentation mode."""
