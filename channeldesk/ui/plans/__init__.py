"""plans feature UI: joint business plans, their editor and PDF exports."""
