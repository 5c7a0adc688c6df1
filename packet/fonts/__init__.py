"""Fonts bundled with packet, with their licences: DejaVu Sans (Latin, Greek, Cyrillic, Arabic,
Hebrew and more) and Droid Sans Fallback (Chinese, Japanese, Korean)."""
