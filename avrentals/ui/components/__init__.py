"""Reusable UI pieces: the app shell, navigation, badges."""
