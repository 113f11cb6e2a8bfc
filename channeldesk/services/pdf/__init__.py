"""Partner-facing PDFs (reportlab): the joint business plan, the quarterly partner pack and
batch export of every plan. No Qt.

A document is a list of sections from :mod:`.sections`; later features add their own
sections (onboarding status, certifications, fund statement, open claims) by registering
them, without touching the ones here.
"""
