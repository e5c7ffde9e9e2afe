"""The built-in exercise and routine definitions (YAML, package data)."""
