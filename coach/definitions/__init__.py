"""Definitions: YAML read safely into the frozen model, and the catalog of built-ins and files."""
