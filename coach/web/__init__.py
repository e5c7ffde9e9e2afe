"""The web front end (``coach serve``): a phone-first page, a JSON API and a podcast feed.

It reaches the rest of coach only through :mod:`coach.session`, as the CLI does.
"""
