"""Screens of the app; each keeps its stylesheet in styles/<name>.tcss."""
